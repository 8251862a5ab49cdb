import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authorize } from '../platform/auth/auth.decorators';
import { listLoader, RequestContext, requestLoader } from '../platform/graphql/request-context';
import { AccessService, Caller } from './access.service';
import { CurrentCaller } from './current-caller.decorator';
import { ApiKeyInfo, CreateApiKeyInput, CreatedApiKey, CreatePrincipalInput, Principal, PrincipalNameArgs } from './principal.types';

@Resolver(() => Principal)
export class AccessResolver {
  constructor(private readonly access: AccessService) {}

  @Query(() => Principal, { description: 'The authenticated caller.' })
  @Authorize('read', 'Self')
  me(@CurrentCaller() caller: Caller): Principal {
    return caller.principal;
  }

  @Query(() => [Principal])
  @Authorize('admin', 'Principal')
  principals(): Promise<Principal[]> {
    return this.access.listPrincipals();
  }

  @Mutation(() => Principal, { description: 'Creates a user or service account, or updates its roles and teams.' })
  @Authorize('admin', 'Principal')
  createPrincipal(@Args('input') input: CreatePrincipalInput): Promise<Principal> {
    return this.access.createPrincipal(input);
  }

  @Mutation(() => Principal, {
    description:
      'Disables a principal at once: its API keys and JWTs are refused from the next request (other replicas within ' +
      'PEDIGREE_AUTH_CACHE_SECONDS). A name not yet known (a JWT user) is recorded as a disabled user. You cannot disable yourself.',
  })
  @Authorize('admin', 'Principal')
  disablePrincipal(@Args() args: PrincipalNameArgs, @CurrentCaller() caller: Caller): Promise<Principal> {
    return this.access.setPrincipalDisabled(caller, args.name, true);
  }

  @Mutation(() => Principal, { description: 'Lets a disabled principal authenticate again (its revoked keys stay revoked).' })
  @Authorize('admin', 'Principal')
  enablePrincipal(@Args() args: PrincipalNameArgs, @CurrentCaller() caller: Caller): Promise<Principal> {
    return this.access.setPrincipalDisabled(caller, args.name, false);
  }

  @Mutation(() => CreatedApiKey, { description: 'Issues an API key; the secret is returned once.' })
  @Authorize('admin', 'Principal')
  createApiKey(@Args('input') input: CreateApiKeyInput): Promise<CreatedApiKey> {
    return this.access.createApiKey(input);
  }

  @Mutation(() => ApiKeyInfo)
  @Authorize('admin', 'Principal')
  revokeApiKey(@Args('id') id: string): Promise<ApiKeyInfo> {
    return this.access.revokeApiKey(id);
  }

  @ResolveField(() => [ApiKeyInfo], { description: 'Visible to admins only (others get FORBIDDEN).' })
  async apiKeys(@Parent() principal: Principal, @CurrentCaller() caller: Caller, @Context() ctx: RequestContext): Promise<ApiKeyInfo[]> {
    this.access.authorize(caller, 'admin', 'Principal');
    return requestLoader(ctx, 'access.keysOf', () => listLoader((ids) => this.access.keysOf([...ids]))).load(principal.id);
  }
}
