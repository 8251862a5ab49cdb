import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import { Authorize } from '../../platform/auth/auth.decorators';
import { RequestContext } from '../../platform/graphql/request-context';
import { CatalogReader } from './catalog.reader';
import { Entity } from './node.repository';
import { UrnArgs } from './node.inputs';
import { CatalogNode } from './node.types';

@Resolver(() => CatalogNode)
export class NodesResolver {
  constructor(private readonly reader: CatalogReader) {}

  @Query(() => CatalogNode, { description: 'Anything in the catalog, by URN (NOT_FOUND when unknown).' })
  @Authorize('read', 'Catalog')
  node(@Args() { urn }: UrnArgs, @Context() ctx: RequestContext): Promise<Entity> {
    return this.reader.getAny(ctx, urn);
  }
}
