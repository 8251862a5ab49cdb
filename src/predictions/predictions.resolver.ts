import { Args, Context, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AccessService } from '../access/access.service';
import type { AuthenticatedRequest } from '../access/auth.guard';
import { Deployment } from '../catalog/deployments/deployment.types';
import { CatalogReader } from '../catalog/nodes/catalog.reader';
import { NodeKind } from '../catalog/nodes/node.types';
import { Entity } from '../catalog/nodes/node.repository';
import { ModelVersion } from '../catalog/models/model.types';
import { LineageService } from '../lineage/lineage.service';
import { LineageDirection, LineageGraph, MAX_DEPTH, MAX_LIMIT } from '../lineage/lineage.types';
import { Authorize } from '../platform/auth/auth.decorators';
import { NotFoundError, InvalidInputError } from '../platform/errors/errors';
import { JSONScalar } from '../platform/graphql/json.scalar';
import { RequestContext } from '../platform/graphql/request-context';
import { ModelVersionInfo, ReplayService } from './onnx/replay.service';
import { PredictionQueryService } from './prediction-query.service';
import {
  ExplainArgs, Prediction, PredictionExplanation, PredictionRecord, PredictionReplay, PredictionStatsArgs, PredictionStatsRow, ReplayArgs,
} from './prediction.types';

const parse = (text: string | null) => (text === null ? null : JSON.parse(text));

@Resolver(() => Prediction)
export class PredictionsResolver {
  constructor(
    private readonly predictions: PredictionQueryService,
    private readonly replayer: ReplayService,
    private readonly reader: CatalogReader,
    private readonly lineageService: LineageService,
    private readonly access: AccessService,
  ) {}

  /** Payloads are data, not metadata: reading them needs `readData` (metadata fields need only `read`). */
  private payload(ctx: RequestContext, text: string | null): unknown {
    this.access.authorize((ctx.req as AuthenticatedRequest).caller!, 'readData', 'Catalog');
    return parse(text);
  }

  @Query(() => Prediction, { description: 'One logged prediction by id, with what served it and that model version’s lineage.' })
  @Authorize('read', 'Catalog')
  prediction(@Args('id') id: string): Promise<PredictionRecord> {
    return this.predictions.get(id);
  }

  @Query(() => [PredictionStatsRow], { description: 'Predictions per model version per time bucket on one deployment (minute resolution).' })
  @Authorize('read', 'Catalog')
  async predictionStats(@Args() args: PredictionStatsArgs, @Context() ctx: RequestContext): Promise<PredictionStatsRow[]> {
    const deployment = await this.reader.get(ctx, NodeKind.DEPLOYMENT, args.deploymentUrn);
    return this.predictions.stats(deployment.id, args);
  }

  @Query(() => PredictionReplay, { description: 'Runs the logged input through the exact model version artifact again and compares outputs.' })
  @Authorize('readData', 'Catalog')
  async replayPrediction(@Args() args: ReplayArgs, @Context() ctx: RequestContext): Promise<PredictionReplay> {
    const record = await this.predictions.get(args.id);
    return this.replayer.replay(record, await this.modelVersionOf(record, ctx), args.tolerance);
  }

  @Query(() => PredictionExplanation, { description: 'Per-feature attributions of a tabular prediction (Shapley values against a baseline row).' })
  @Authorize('readData', 'Catalog')
  async explainPrediction(@Args() args: ExplainArgs, @Context() ctx: RequestContext): Promise<PredictionExplanation> {
    const record = await this.predictions.get(args.id);
    return this.replayer.explain(record, await this.modelVersionOf(record, ctx), args);
  }

  private async modelVersionOf(record: PredictionRecord, ctx: RequestContext): Promise<ModelVersionInfo> {
    const mv = await this.reader.loaders(ctx).entity.load(record.modelVersionId);
    if (!mv) throw new NotFoundError(`The model version of prediction ${record.id} is no longer in the catalog.`);
    return mv as unknown as ModelVersionInfo;
  }

  @ResolveField(() => Deployment)
  deployment(@Parent() p: PredictionRecord, @Context() ctx: RequestContext): Promise<Entity | null> {
    return this.reader.loaders(ctx).entity.load(p.deploymentId);
  }

  @ResolveField(() => ModelVersion, { description: 'The model version that served it.' })
  modelVersion(@Parent() p: PredictionRecord, @Context() ctx: RequestContext): Promise<Entity | null> {
    return this.reader.loaders(ctx).entity.load(p.modelVersionId);
  }

  @ResolveField(() => JSONScalar, { nullable: true, description: 'The logged input (needs readData); null when the deployment keeps only hashes.' })
  input(@Parent() p: PredictionRecord, @Context() ctx: RequestContext): unknown {
    return this.payload(ctx, p.inputText);
  }

  @ResolveField(() => JSONScalar, { nullable: true, description: 'The logged output (needs readData).' })
  output(@Parent() p: PredictionRecord, @Context() ctx: RequestContext): unknown {
    return this.payload(ctx, p.outputText);
  }

  @ResolveField(() => String, { nullable: true, description: 'sha256 of the input JSON: as sent, computed for hash-only deployments.' })
  inputSha256(@Parent() p: PredictionRecord): string | null {
    return p.inputSha256;
  }

  @ResolveField(() => String, { nullable: true })
  outputSha256(@Parent() p: PredictionRecord): string | null {
    return p.outputSha256;
  }

  @ResolveField(() => JSONScalar, { nullable: true, description: 'Request metadata as logged (needs readData).' })
  metadata(@Parent() p: PredictionRecord, @Context() ctx: RequestContext): unknown {
    return this.payload(ctx, p.metadataText);
  }

  @ResolveField(() => LineageGraph, { description: 'Lineage of the serving model version: training runs, data versions, features, code.' })
  async lineage(
    @Parent() p: PredictionRecord,
    @Context() ctx: RequestContext,
    @Args('depth', { type: () => Int, defaultValue: 5 }) depth: number,
    @Args('limit', { type: () => Int, defaultValue: 1000 }) limit: number,
  ): Promise<LineageGraph> {
    if (depth < 1 || depth > MAX_DEPTH) throw new InvalidInputError(`depth must be between 1 and ${MAX_DEPTH}`);
    if (limit < 1 || limit > MAX_LIMIT) throw new InvalidInputError(`limit must be between 1 and ${MAX_LIMIT}`);
    const mv = await this.reader.loaders(ctx).entity.load(p.modelVersionId);
    if (!mv) throw new NotFoundError(`The model version of prediction ${p.id} is no longer in the catalog.`);
    return this.lineageService.lineage({ urn: mv.urn, direction: LineageDirection.UPSTREAM, depth, limit });
  }
}

@Resolver(() => PredictionStatsRow)
export class PredictionStatsRowResolver {
  constructor(private readonly reader: CatalogReader) {}

  @ResolveField(() => ModelVersion)
  modelVersion(@Parent() row: PredictionStatsRow, @Context() ctx: RequestContext): Promise<Entity | null> {
    return this.reader.loaders(ctx).entity.load(row.modelVersionId);
  }
}

@Resolver(() => PredictionReplay)
export class PredictionReplayResolver {
  constructor(private readonly reader: CatalogReader) {}

  @ResolveField(() => ModelVersion)
  modelVersion(@Parent() r: PredictionReplay, @Context() ctx: RequestContext): Promise<Entity | null> {
    return this.reader.loaders(ctx).entity.load(r.modelVersionId);
  }
}
