import { Args, Query, Resolver } from '@nestjs/graphql';
import { Authorize } from '../platform/auth/auth.decorators';
import { ColumnLineageArgs, ColumnLineageGraph, LineageArgs, LineageGraph, LineagePaths, PathArgs } from './lineage.types';
import { LineageService } from './lineage.service';

@Resolver(() => LineageGraph)
export class LineageResolver {
  constructor(private readonly service: LineageService) {}

  @Query(() => LineageGraph, {
    description:
      'Where something came from (UPSTREAM), what it affects (DOWNSTREAM), or both, up to `depth` hops and `limit` edges per ' +
      'direction, optionally as the graph stood at `asOf`. A dataset or model URN starts from all its versions.',
  })
  @Authorize('read', 'Catalog')
  lineage(@Args() args: LineageArgs): Promise<LineageGraph> {
    return this.service.lineage(args);
  }

  @Query(() => LineagePaths, { description: 'The shortest lineage paths between two nodes, in either order, within maxDepth hops.' })
  @Authorize('read', 'Catalog')
  path(@Args() args: PathArgs): Promise<LineagePaths> {
    return this.service.path(args.fromUrn, args.toUrn, args.maxDepth, args.asOf);
  }

  @Query(() => ColumnLineageGraph, { description: 'Which columns a column was derived from (UPSTREAM) or feeds (DOWNSTREAM), as recorded by runs.' })
  @Authorize('read', 'Catalog')
  columnLineage(@Args() args: ColumnLineageArgs): Promise<ColumnLineageGraph> {
    return this.service.columnLineage(args);
  }
}
