/** Administration of access policies. */
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authorize } from '../platform/auth/auth.decorators';
import { Caller } from './access.service';
import { CurrentCaller } from './current-caller.decorator';
import { PolicyService } from './policy.service';
import { AccessPolicy, PolicyInput } from './policy.types';
import type { StoredPolicy } from './policy.repository';

@Resolver(() => AccessPolicy)
export class PolicyResolver {
  constructor(private readonly policies: PolicyService) {}

  @Query(() => [AccessPolicy], { description: 'Every stored policy, expired ones included (they apply to no one).' })
  @Authorize('admin', 'Policy')
  accessPolicies(): Promise<StoredPolicy[]> {
    return this.policies.list();
  }

  @Mutation(() => AccessPolicy, { description: 'Creates a policy, or replaces the one with the same name. Takes effect at once.' })
  @Authorize('admin', 'Policy')
  putAccessPolicy(@Args('input') input: PolicyInput, @CurrentCaller() caller: Caller): Promise<StoredPolicy> {
    return this.policies.put(input, caller.principal.name);
  }

  @Mutation(() => AccessPolicy, { description: 'Deletes a policy by name and returns it.' })
  @Authorize('admin', 'Policy')
  deleteAccessPolicy(@Args('name') name: string): Promise<StoredPolicy> {
    return this.policies.remove(name);
  }
}
