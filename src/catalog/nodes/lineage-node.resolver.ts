import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { RequestContext } from '../../platform/graphql/request-context';
import { LineageNode } from '../../lineage/lineage.types';
import { CatalogReader } from './catalog.reader';
import { Entity } from './node.repository';
import { CatalogNode } from './node.types';

/** Gives lineage nodes their typed catalog entity (loaded in one batch per request, only when asked for). */
@Resolver(() => LineageNode)
export class LineageNodeResolver {
  constructor(private readonly reader: CatalogReader) {}

  @ResolveField(() => CatalogNode, { nullable: true, description: 'The full typed entity (Dataset, Run, ModelVersion, …).' })
  entity(@Parent() node: LineageNode, @Context() ctx: RequestContext): Promise<Entity | null> {
    return this.reader.visible(ctx, node.id);
  }
}
