import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authorize } from '../../platform/auth/auth.decorators';
import { Page, PageArgs } from '../../platform/graphql/connection';
import { RequestContext } from '../../platform/graphql/request-context';
import { EdgeKind } from '../../lineage/edge.types';
import { CatalogReader } from '../nodes/catalog.reader';
import { Entity } from '../nodes/node.repository';
import { UrnArgs } from '../nodes/node.inputs';
import { NodeKind } from '../nodes/node.types';
import { Run } from '../runs/run.types';
import {
  Dataset, DatasetConnection, DatasetListArgs, DatasetVersion, DatasetVersionConnection, RegisterDatasetInput,
  RegisterDatasetVersionInput,
} from './dataset.types';
import { DatasetsService } from './datasets.service';

@Resolver(() => Dataset)
export class DatasetsResolver {
  constructor(
    private readonly service: DatasetsService,
    private readonly reader: CatalogReader,
  ) {}

  @Query(() => Dataset)
  @Authorize('read', 'Catalog')
  dataset(@Args() { urn }: UrnArgs, @Context() ctx: RequestContext): Promise<Entity> {
    return this.reader.get(ctx, NodeKind.DATASET, urn);
  }

  @Query(() => DatasetConnection)
  @Authorize('read', 'Catalog')
  datasets(@Args() page: PageArgs, @Args() list: DatasetListArgs, @Context() ctx: RequestContext): Promise<Page<Entity>> {
    const typed = list.namespace !== undefined ? [{ column: 'namespace', value: list.namespace }] : [];
    return this.reader.page(ctx, NodeKind.DATASET, list.filter ?? {}, page, typed);
  }

  @Mutation(() => Dataset, { description: 'Registers a dataset, or updates the given fields of the one with the same URN.' })
  @Authorize('write', 'Catalog')
  registerDataset(@Args('input') input: RegisterDatasetInput): Promise<Entity> {
    return this.service.register(input);
  }

  @ResolveField(() => DatasetVersion, { nullable: true })
  latestVersion(@Parent() dataset: Entity, @Context() ctx: RequestContext): Promise<Entity | null> {
    return this.reader.latestVisible(ctx, dataset.id);
  }

  @ResolveField(() => DatasetVersionConnection, { description: 'Versions, oldest first.' })
  versions(@Parent() dataset: Entity, @Args() page: PageArgs, @Context() ctx: RequestContext): Promise<Page<Entity>> {
    return this.reader.page(ctx, NodeKind.DATASET_VERSION, { parentId: dataset.id }, page);
  }
}

@Resolver(() => DatasetVersion)
export class DatasetVersionsResolver {
  constructor(
    private readonly service: DatasetsService,
    private readonly reader: CatalogReader,
  ) {}

  @Query(() => DatasetVersion)
  @Authorize('read', 'Catalog')
  datasetVersion(@Args() { urn }: UrnArgs, @Context() ctx: RequestContext): Promise<Entity> {
    return this.reader.get(ctx, NodeKind.DATASET_VERSION, urn);
  }

  @Mutation(() => DatasetVersion, {
    description: 'Registers the next version of a dataset (numbered 1, 2, …), or returns the version with the same contentHash.',
  })
  @Authorize('write', 'Catalog')
  registerDatasetVersion(@Args('input') input: RegisterDatasetVersionInput): Promise<Entity> {
    return this.service.registerVersion(input);
  }

  @ResolveField(() => Dataset)
  async dataset(@Parent() version: Entity, @Context() ctx: RequestContext): Promise<Entity | null> {
    return this.reader.visible(ctx, version.parentId!);
  }

  @ResolveField(() => Run, { nullable: true, description: 'The run that wrote this version.' })
  async producedBy(@Parent() version: Entity, @Context() ctx: RequestContext): Promise<Entity | null> {
    const runs = await this.reader.neighbours(ctx, version.id, 'in', [EdgeKind.OUTPUT]);
    return runs[0] ?? null;
  }

  @ResolveField(() => [Run], { description: 'Runs that read this version.' })
  consumedBy(@Parent() version: Entity, @Context() ctx: RequestContext): Promise<Entity[]> {
    return this.reader.neighbours(ctx, version.id, 'out', [EdgeKind.INPUT]);
  }
}
