import { Args, Query, Resolver } from '@nestjs/graphql';
import { Caller } from '../access/access.service';
import { CurrentCaller } from '../access/current-caller.decorator';
import { Authorize } from '../platform/auth/auth.decorators';
import { LineageAccess } from './lineage-access';
import { ColumnLineageArgs, ColumnLineageGraph, LineageArgs, LineageGraph, LineagePaths, PathArgs } from './lineage.types';
import { LineageService } from './lineage.service';

@Resolver(() => LineageGraph)
export class LineageResolver {
  constructor(
    private readonly service: LineageService,
    private readonly access: LineageAccess,
  ) {}

  @Query(() => LineageGraph, {
    description:
      'Where something came from (UPSTREAM), what it affects (DOWNSTREAM), or both, up to `depth` hops and `limit` edges per ' +
      'direction, optionally as the graph stood at `asOf`. A dataset or model URN starts from all its versions. Nodes the ' +
      'caller may not read are redacted, not removed.',
  })
  @Authorize('read', 'Catalog')
  async lineage(@Args() args: LineageArgs, @CurrentCaller() caller: Caller): Promise<LineageGraph> {
    const visible = await this.access.visibility(caller, { urn: args.urn, field: 'urn' });
    return this.service.lineage({ ...args, visible });
  }

  @Query(() => LineagePaths, { description: 'The shortest lineage paths between two nodes, in either order, within maxDepth hops.' })
  @Authorize('read', 'Catalog')
  async path(@Args() args: PathArgs, @CurrentCaller() caller: Caller): Promise<LineagePaths> {
    const visible = await this.access.visibility(caller, { urn: args.fromUrn, field: 'fromUrn' }, { urn: args.toUrn, field: 'toUrn' });
    return this.service.path(args.fromUrn, args.toUrn, args.maxDepth, args.asOf, visible);
  }

  @Query(() => ColumnLineageGraph, { description: 'Which columns a column was derived from (UPSTREAM) or feeds (DOWNSTREAM), as recorded by runs.' })
  @Authorize('read', 'Catalog')
  async columnLineage(@Args() args: ColumnLineageArgs, @CurrentCaller() caller: Caller): Promise<ColumnLineageGraph> {
    const visible = await this.access.visibility(caller, { urn: args.datasetVersionUrn, field: 'datasetVersionUrn' });
    return this.service.columnLineage(args, visible);
  }
}
