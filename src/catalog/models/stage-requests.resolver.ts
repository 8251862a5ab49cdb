/** Four-eyes stage changes: request, decide, and the history on each model version. */
import { Args, Context, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Caller } from '../../access/access.service';
import { CurrentCaller } from '../../access/current-caller.decorator';
import { Authorize } from '../../platform/auth/auth.decorators';
import { listLoader, RequestContext, requestLoader } from '../../platform/graphql/request-context';
import { Entity } from '../nodes/node.repository';
import { ModelVersion } from './model.types';
import { StageRequestsService } from './stage-requests.service';
import { DecideArgs, RequestStageChangeInput, StageRequest } from './stage-request.types';

@Resolver(() => ModelVersion)
export class StageRequestsResolver {
  constructor(private readonly requests: StageRequestsService) {}

  @Mutation(() => StageRequest, {
    description: 'Asks for a model version to be moved to a stage; another principal with approve on it decides (decideStageChange).',
  })
  @Authorize('write', 'Catalog')
  requestStageChange(@Args('input') input: RequestStageChangeInput, @CurrentCaller() caller: Caller): Promise<StageRequest> {
    return this.requests.request(input, caller.principal.name);
  }

  @Mutation(() => StageRequest, { description: 'Approves (and applies) or denies a pending stage request. Never by its requester.' })
  @Authorize('approve', 'Catalog')
  decideStageChange(@Args() args: DecideArgs, @CurrentCaller() caller: Caller): Promise<StageRequest> {
    return this.requests.decide(caller, args.id, args.approve, args.note);
  }

  @ResolveField(() => [StageRequest], { description: 'Stage requests and their decisions (who asked, who approved, when), oldest first.' })
  stageRequests(@Parent() version: Entity, @Context() ctx: RequestContext): Promise<StageRequest[]> {
    return requestLoader(ctx, 'models.stageRequests', () => listLoader((ids) => this.requests.ofVersions(ids))).load(version.id);
  }
}
