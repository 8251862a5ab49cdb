import { Args, Context as Ctx, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import { Authorize } from '../../platform/auth/auth.decorators';
import { Page, PageArgs } from '../../platform/graphql/connection';
import { listLoader, RequestContext, requestLoader } from '../../platform/graphql/request-context';
import { CatalogReader } from '../nodes/catalog.reader';
import { Entity } from '../nodes/node.repository';
import { UrnArgs } from '../nodes/node.inputs';
import { CatalogNode, NodeKind } from '../nodes/node.types';
import { AddToContextInput, Context, ContextConnection, ContextListArgs, RegisterContextInput } from './context.types';
import { ContextsService, MAX_MEMBERS_LISTED } from './contexts.service';

type IdsLoader = DataLoader<string, string[]>;

/** Per-request loaders for context membership, shared with other resolvers (e.g. Run.contexts). */
export function membershipLoaders(ctx: RequestContext, contexts: ContextsService): { members: IdsLoader; contextsOf: IdsLoader } {
  return requestLoader(ctx, 'contexts.membership', () => ({
    members: listLoader((ids) => contexts.memberIds(ids)),
    contextsOf: listLoader((ids) => contexts.contextIdsOf(ids)),
  }));
}

@Resolver(() => Context)
export class ContextsResolver {
  constructor(
    private readonly service: ContextsService,
    private readonly reader: CatalogReader,
  ) {}

  @Query(() => Context)
  @Authorize('read', 'Catalog')
  context(@Args() { urn }: UrnArgs, @Ctx() ctx: RequestContext): Promise<Entity> {
    return this.reader.get(ctx, NodeKind.CONTEXT, urn);
  }

  @Query(() => ContextConnection)
  @Authorize('read', 'Catalog')
  contexts(@Args() page: PageArgs, @Args() list: ContextListArgs, @Ctx() ctx: RequestContext): Promise<Page<Entity>> {
    const typed = list.contextKind ? [{ column: 'context_kind', value: list.contextKind }] : [];
    return this.reader.page(ctx, NodeKind.CONTEXT, list.filter ?? {}, page, typed);
  }

  @Mutation(() => Context)
  @Authorize('write', 'Catalog')
  registerContext(@Args('input') input: RegisterContextInput): Promise<Entity> {
    return this.service.register(input);
  }

  @Mutation(() => Context, { description: 'Adds runs and artifacts to a context (existing members stay).' })
  @Authorize('write', 'Catalog')
  addToContext(@Args('input') input: AddToContextInput): Promise<Entity> {
    return this.service.addToContext(input);
  }

  @ResolveField(() => [CatalogNode], { description: `Members, oldest first (at most ${MAX_MEMBERS_LISTED}).` })
  async members(@Parent() context: Entity, @Ctx() ctx: RequestContext): Promise<Entity[]> {
    const ids = await membershipLoaders(ctx, this.service).members.load(context.id);
    return this.reader.entities(ctx, ids);
  }
}
