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
import { Deployment } from '../deployments/deployment.types';
import {
  Model, ModelConnection, ModelListArgs, ModelVersion, ModelVersionConnection, ModelVersionListArgs, RegisterModelInput,
  RegisterModelVersionInput, SetModelVersionStageInput,
} from './model.types';
import { ModelsService } from './models.service';

@Resolver(() => Model)
export class ModelsResolver {
  constructor(
    private readonly service: ModelsService,
    private readonly reader: CatalogReader,
  ) {}

  @Query(() => Model)
  @Authorize('read', 'Catalog')
  model(@Args() { urn }: UrnArgs, @Context() ctx: RequestContext): Promise<Entity> {
    return this.reader.get(ctx, NodeKind.MODEL, urn);
  }

  @Query(() => ModelConnection)
  @Authorize('read', 'Catalog')
  models(@Args() page: PageArgs, @Args() list: ModelListArgs, @Context() ctx: RequestContext): Promise<Page<Entity>> {
    return this.reader.page(ctx, NodeKind.MODEL, list.filter ?? {}, page);
  }

  @Mutation(() => Model, { description: 'Registers a model, or updates the given fields of the one with the same name.' })
  @Authorize('write', 'Catalog')
  registerModel(@Args('input') input: RegisterModelInput): Promise<Entity> {
    return this.service.register(input);
  }

  @ResolveField(() => ModelVersion, { nullable: true })
  latestVersion(@Parent() model: Entity, @Context() ctx: RequestContext): Promise<Entity | null> {
    return this.reader.latestVisible(ctx, model.id);
  }

  @ResolveField(() => ModelVersionConnection, { description: 'Versions, oldest first.' })
  versions(
    @Parent() model: Entity,
    @Args() page: PageArgs,
    @Args() list: ModelVersionListArgs,
    @Context() ctx: RequestContext,
  ): Promise<Page<Entity>> {
    const typed = list.stage ? [{ column: 'stage', value: list.stage }] : [];
    return this.reader.page(ctx, NodeKind.MODEL_VERSION, { parentId: model.id }, page, typed);
  }
}

@Resolver(() => ModelVersion)
export class ModelVersionsResolver {
  constructor(
    private readonly service: ModelsService,
    private readonly reader: CatalogReader,
  ) {}

  @Query(() => ModelVersion)
  @Authorize('read', 'Catalog')
  modelVersion(@Args() { urn }: UrnArgs, @Context() ctx: RequestContext): Promise<Entity> {
    return this.reader.get(ctx, NodeKind.MODEL_VERSION, urn);
  }

  @Mutation(() => ModelVersion, {
    description: 'Registers the next version of a model, or returns the version with the same artifactSha256.',
  })
  @Authorize('write', 'Catalog')
  registerModelVersion(@Args('input') input: RegisterModelVersionInput): Promise<Entity> {
    return this.service.registerVersion(input);
  }

  @Mutation(() => ModelVersion, { description: 'Moves a version to a stage; a model has at most one production version.' })
  @Authorize('write', 'Catalog')
  setModelVersionStage(@Args('input') input: SetModelVersionStageInput): Promise<Entity> {
    return this.service.setStage(input);
  }

  @ResolveField(() => Model)
  model(@Parent() version: Entity, @Context() ctx: RequestContext): Promise<Entity | null> {
    return this.reader.visible(ctx, version.parentId!);
  }

  @ResolveField(() => Run, { nullable: true, description: 'The training run that produced this version.' })
  async trainedBy(@Parent() version: Entity, @Context() ctx: RequestContext): Promise<Entity | null> {
    return (await this.reader.neighbours(ctx, version.id, 'in', [EdgeKind.OUTPUT]))[0] ?? null;
  }

  @ResolveField(() => [Deployment], { description: 'Deployments currently serving this version.' })
  deployments(@Parent() version: Entity, @Context() ctx: RequestContext): Promise<Entity[]> {
    return this.reader.neighbours(ctx, version.id, 'out', [EdgeKind.SERVES]);
  }
}
