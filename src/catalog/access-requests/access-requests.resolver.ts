/** Asking for access to an entity's data, and its owners deciding. */
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Caller } from '../../access/access.service';
import { CurrentCaller } from '../../access/current-caller.decorator';
import { Authorize } from '../../platform/auth/auth.decorators';
import { AccessRequestsService } from './access-requests.service';
import { AccessRequest, AccessRequestListArgs, DecideAccessArgs, RequestAccessInput } from './access-request.types';

@Resolver(() => AccessRequest)
export class AccessRequestsResolver {
  constructor(private readonly requests: AccessRequestsService) {}

  @Mutation(() => AccessRequest, { description: 'Asks the owners of an entity you can see for access to its data (or for write).' })
  @Authorize('read', 'Catalog')
  requestAccess(@Args('input') input: RequestAccessInput, @CurrentCaller() caller: Caller): Promise<AccessRequest> {
    return this.requests.request(caller, input);
  }

  @Mutation(() => AccessRequest, { description: 'Approves (granting time-limited access) or denies a pending request. Needs approve on the entity.' })
  @Authorize('approve', 'Catalog')
  decideAccessRequest(@Args() args: DecideAccessArgs, @CurrentCaller() caller: Caller): Promise<AccessRequest> {
    return this.requests.decide(caller, args.id, args.approve, args.note);
  }

  @Query(() => [AccessRequest], { description: 'Your requests and those you may decide, newest first (at most 500).' })
  @Authorize('read', 'Catalog')
  accessRequests(@Args() args: AccessRequestListArgs, @CurrentCaller() caller: Caller): Promise<AccessRequest[]> {
    return this.requests.list(caller, args.which, args.status);
  }
}
