import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authorize } from '../../platform/auth/auth.decorators';
import { Page, PageArgs } from '../../platform/graphql/connection';
import { RequestContext } from '../../platform/graphql/request-context';
import { EdgeKind } from '../../lineage/edge.types';
import { CatalogReader } from '../nodes/catalog.reader';
import { Entity, TypedCondition } from '../nodes/node.repository';
import { UrnArgs } from '../nodes/node.inputs';
import { CatalogNode, NodeKind } from '../nodes/node.types';
import { CodeVersion } from '../code/code.types';
import { Context as CatalogContext } from '../contexts/context.types';
import { ContextsService } from '../contexts/contexts.service';
import { membershipLoaders } from '../contexts/contexts.resolver';
import { RegisterRunInput, Run, RunCompute, RunConnection, RunListArgs } from './run.types';
import { RunsService } from './runs.service';

@Resolver(() => Run)
export class RunsResolver {
  constructor(
    private readonly service: RunsService,
    private readonly reader: CatalogReader,
    private readonly contextsService: ContextsService,
  ) {}

  @Query(() => Run)
  @Authorize('read', 'Catalog')
  run(@Args() { urn }: UrnArgs, @Context() ctx: RequestContext): Promise<Entity> {
    return this.reader.get(ctx, NodeKind.RUN, urn);
  }

  @Query(() => RunConnection)
  @Authorize('read', 'Catalog')
  runs(@Args() page: PageArgs, @Args() list: RunListArgs, @Context() ctx: RequestContext): Promise<Page<Entity>> {
    const typed: TypedCondition[] = [];
    if (list.runKind) typed.push({ column: 'kind', value: list.runKind });
    if (list.status) typed.push({ column: 'status', value: list.status });
    return this.reader.page(ctx, NodeKind.RUN, list.filter ?? {}, page, typed);
  }

  @Mutation(() => Run)
  @Authorize('write', 'Catalog')
  registerRun(@Args('input') input: RegisterRunInput): Promise<Entity> {
    return this.service.register(input);
  }

  @ResolveField(() => RunCompute)
  compute(@Parent() run: Entity): RunCompute {
    return {
      gpuType: (run.gpuType as string | null) ?? null,
      gpuCount: (run.gpuCount as number | null) ?? null,
      gpuHours: (run.gpuHours as number | null) ?? null,
      energyKwh: (run.energyKwh as number | null) ?? null,
    };
  }

  @ResolveField(() => Run, { nullable: true })
  parent(@Parent() run: Entity, @Context() ctx: RequestContext): Promise<Entity | null> {
    return run.parentRunId ? this.reader.visible(ctx, run.parentRunId as string) : Promise.resolve(null);
  }

  @ResolveField(() => CodeVersion, { nullable: true, description: 'The code version this run executed.' })
  async codeVersion(@Parent() run: Entity, @Context() ctx: RequestContext): Promise<Entity | null> {
    return (await this.reader.neighbours(ctx, run.id, 'in', [EdgeKind.CODE]))[0] ?? null;
  }

  @ResolveField(() => [CatalogNode], { description: 'What the run read (MLMD INPUT events).' })
  inputs(@Parent() run: Entity, @Context() ctx: RequestContext): Promise<Entity[]> {
    return this.reader.neighbours(ctx, run.id, 'in', [EdgeKind.INPUT]);
  }

  @ResolveField(() => [CatalogNode], { description: 'What the run wrote (MLMD OUTPUT events).' })
  outputs(@Parent() run: Entity, @Context() ctx: RequestContext): Promise<Entity[]> {
    return this.reader.neighbours(ctx, run.id, 'out', [EdgeKind.OUTPUT]);
  }

  @ResolveField(() => [CatalogContext])
  async contexts(@Parent() run: Entity, @Context() ctx: RequestContext): Promise<Entity[]> {
    const ids = await membershipLoaders(ctx, this.contextsService).contextsOf.load(run.id);
    return this.reader.entities(ctx, ids);
  }
}
