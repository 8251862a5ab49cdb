import { Args, Context, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AccessService } from '../access/access.service';
import type { GuardedRequest } from '../access/field-guard';
import { LineageAccess } from '../lineage/lineage-access';
import { Deployment } from '../catalog/deployments/deployment.types';
import { CatalogReader } from '../catalog/nodes/catalog.reader';
import { NodeKind } from '../catalog/nodes/node.types';
import { Entity } from '../catalog/nodes/node.repository';
import { ModelVersion } from '../catalog/models/model.types';
import { LineageService } from '../lineage/lineage.service';
import { LineageDirection, LineageGraph, MAX_DEPTH, MAX_LIMIT } from '../lineage/lineage.types';
import { Authorize } from '../platform/auth/auth.decorators';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../platform/errors/errors';
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
    private readonly lineageAccess: LineageAccess,
    private readonly access: AccessService,
  ) {}

  /**
   * The prediction when the caller may perform `action` on the deployment that served it (predictions take
   * their access from their deployment). A refused and a missing prediction read alike, unless the caller
   * may act on every deployment.
   */
  private async guarded(ctx: RequestContext, id: string, action: 'read' | 'readData'): Promise<PredictionRecord> {
    const caller = this.reader.caller(ctx);
    const everything = !this.access.scope(caller, action);
    let record: PredictionRecord;
    try {
      record = await this.predictions.get(id);
    } catch (err) {
      if (!(err instanceof NotFoundError) || everything) throw err;
      this.access.denied(caller, action, `prediction:${id.slice(0, 200)}`, { exists: false });
      throw this.access.hidden('prediction', id, action);
    }
    if (everything) return record; // nothing to check: no need to load the deployment
    const deployment = await this.reader.loaders(ctx).entity.load(record.deploymentId);
    if (!deployment || !this.access.can(caller, action, deployment)) {
      this.access.denied(caller, action, `prediction:${id}`, { exists: true });
      throw this.access.hidden('prediction', id, action);
    }
    return record;
  }

  /** Payloads are data, not metadata: reading them needs `readData` on the deployment, and is audited. */
  private async payload(ctx: RequestContext, p: PredictionRecord, text: string | null): Promise<unknown> {
    const caller = this.reader.caller(ctx);
    const restricted = this.access.scope(caller, 'readData') !== undefined;
    const deployment = restricted ? await this.reader.loaders(ctx).entity.load(p.deploymentId) : null;
    if (restricted && (!deployment || !this.access.can(caller, 'readData', deployment))) {
      this.access.denied(caller, 'readData', `prediction:${p.id}`);
      throw new ForbiddenError(`Reading the payloads of prediction ${p.id} needs readData on its deployment.`);
    }
    ((ctx.req as GuardedRequest).dataReads ??= new Set()).add(`prediction:${p.id}`);
    return parse(text);
  }

  @Query(() => Prediction, { description: 'One logged prediction by id, with what served it and that model version’s lineage.' })
  @Authorize('read', 'Catalog')
  prediction(@Args('id') id: string, @Context() ctx: RequestContext): Promise<PredictionRecord> {
    return this.guarded(ctx, id, 'read');
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
    const record = await this.guarded(ctx, args.id, 'readData');
    return this.replayer.replay(record, await this.modelVersionOf(record, ctx), args.tolerance);
  }

  @Query(() => PredictionExplanation, { description: 'Per-feature attributions of a tabular prediction (Shapley values against a baseline row).' })
  @Authorize('readData', 'Catalog')
  async explainPrediction(@Args() args: ExplainArgs, @Context() ctx: RequestContext): Promise<PredictionExplanation> {
    const record = await this.guarded(ctx, args.id, 'readData');
    return this.replayer.explain(record, await this.modelVersionOf(record, ctx), args);
  }

  private async modelVersionOf(record: PredictionRecord, ctx: RequestContext): Promise<ModelVersionInfo> {
    const mv = await this.reader.visible(ctx, record.modelVersionId);
    if (!mv) throw new NotFoundError(`The model version of prediction ${record.id} is no longer in the catalog.`);
    return mv as unknown as ModelVersionInfo;
  }

  @ResolveField(() => Deployment)
  deployment(@Parent() p: PredictionRecord, @Context() ctx: RequestContext): Promise<Entity | null> {
    return this.reader.visible(ctx, p.deploymentId);
  }

  @ResolveField(() => ModelVersion, { description: 'The model version that served it.' })
  modelVersion(@Parent() p: PredictionRecord, @Context() ctx: RequestContext): Promise<Entity | null> {
    return this.reader.visible(ctx, p.modelVersionId);
  }

  @ResolveField(() => JSONScalar, { nullable: true, description: 'The logged input (needs readData); null when the deployment keeps only hashes.' })
  input(@Parent() p: PredictionRecord, @Context() ctx: RequestContext): unknown {
    return this.payload(ctx, p, p.inputText);
  }

  @ResolveField(() => JSONScalar, { nullable: true, description: 'The logged output (needs readData).' })
  output(@Parent() p: PredictionRecord, @Context() ctx: RequestContext): unknown {
    return this.payload(ctx, p, p.outputText);
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
    return this.payload(ctx, p, p.metadataText);
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
    const mv = await this.reader.visible(ctx, p.modelVersionId);
    if (!mv) throw new NotFoundError(`The model version of prediction ${p.id} is not in the catalog, or you may not read it.`);
    const visible = await this.lineageAccess.visibility(this.reader.caller(ctx), { urn: mv.urn, field: 'modelVersion' });
    return this.lineageService.lineage({ urn: mv.urn, direction: LineageDirection.UPSTREAM, depth, limit, visible });
  }
}

@Resolver(() => PredictionStatsRow)
export class PredictionStatsRowResolver {
  constructor(private readonly reader: CatalogReader) {}

  @ResolveField(() => ModelVersion)
  modelVersion(@Parent() row: PredictionStatsRow, @Context() ctx: RequestContext): Promise<Entity | null> {
    return this.reader.visible(ctx, row.modelVersionId);
  }
}

@Resolver(() => PredictionReplay)
export class PredictionReplayResolver {
  constructor(private readonly reader: CatalogReader) {}

  @ResolveField(() => ModelVersion)
  modelVersion(@Parent() r: PredictionReplay, @Context() ctx: RequestContext): Promise<Entity | null> {
    return this.reader.visible(ctx, r.modelVersionId);
  }
}
