/**
 * The model version report: identity, training (every upstream training run, compute summed), data (every
 * upstream dataset version and feature view with the path that connects it), governance (stage requests,
 * covering policies), serving (windows and prediction counts up to asOf), open issues and findings, and the
 * audit log's verification over the period — built through the same access path as every read, so a node
 * the reader may not read is withheld, never shown.
 */
import { Injectable } from '@nestjs/common';
import { Caller } from '../access/access.service';
import { AccessService } from '../access/access.service';
import { PolicyService } from '../access/policy.service';
import { policyCovers } from '../access/ability';
import { AuditService } from '../audit/audit.service';
import { CatalogReader } from '../catalog/nodes/catalog.reader';
import { Entity } from '../catalog/nodes/node.repository';
import { DeploymentsService } from '../catalog/deployments/deployments.service';
import { StageRequestsService } from '../catalog/models/stage-requests.service';
import { PredictionCounterHook } from '../catalog/impact/prediction-counter';
import { IngestionService } from '../ingestion/ingestion.service';
import { LineageAccess } from '../lineage/lineage-access';
import { LineageService } from '../lineage/lineage.service';
import { EdgeKind } from '../lineage/edge.types';
import { LineageDirection, LineageGraph, MAX_DEPTH } from '../lineage/lineage.types';
import { Db } from '../platform/database/db';
import { NodeKind } from '../platform/graph/node-kind';
import { RequestContext } from '../platform/graphql/request-context';
import { ModelVersionReport, ReportDataItem, ReportDeployment, ReportFinding, ReportNode, ReportTrainingRun } from './report.types';
import { readerContext, recordReportRead, sealReport } from './report-digest';

type Body = Omit<ModelVersionReport, 'header'>;

/** For each node, the path to the root along the graph's edges (shortest, deterministic), upstream first. */
function pathsToRoot(graph: LineageGraph): Map<string, string[]> {
  const into = new Map<string, string[]>(); // to → froms
  for (const e of [...graph.edges].sort((a, b) => Number(a.fromId) - Number(b.fromId))) {
    into.set(e.toId, [...(into.get(e.toId) ?? []), e.fromId]);
  }
  const paths = new Map<string, string[]>([[graph.root.id, [graph.root.id]]]);
  const queue = [graph.root.id];
  while (queue.length) {
    const id = queue.shift()!;
    for (const from of into.get(id) ?? []) {
      if (paths.has(from)) continue;
      paths.set(from, [from, ...paths.get(id)!]);
      queue.push(from);
    }
  }
  return paths;
}

@Injectable()
export class ModelVersionReportService {
  constructor(
    private readonly db: Db,
    private readonly reader: CatalogReader,
    private readonly access: AccessService,
    private readonly policies: PolicyService,
    private readonly lineage: LineageService,
    private readonly lineageAccess: LineageAccess,
    private readonly stageRequests: StageRequestsService,
    private readonly deployments: DeploymentsService,
    private readonly predictionCounts: PredictionCounterHook,
    private readonly ingestion: IngestionService,
    private readonly audit: AuditService,
  ) {}

  async build(caller: Caller, urn: string, asOfArg?: Date): Promise<ModelVersionReport> {
    const asOf = asOfArg ?? new Date();
    const ctx = readerContext(caller);
    const mv = await this.reader.get(ctx, NodeKind.MODEL_VERSION, urn);
    this.access.require(caller, 'audit', mv, 'model version');
    const { graph, entities } = await this.upstream(caller, ctx, urn, asOf);
    const model = await this.reader.visible(ctx, mv.parentId as string);
    const trainingRuns = this.trainingRuns(graph, entities);
    const data = this.data(graph, entities);
    const [stageChanges, stageHistory, policies, serving, deadLetters, auditLog] = await Promise.all([
      this.stageRequests.changesOf(mv.id, asOf),
      this.stageHistory(mv.id, asOf),
      this.coveringPolicies(mv, asOf),
      this.serving(ctx, mv.id, asOf),
      this.deadLetters(urn, asOf),
      this.audit.verify(mv.createdAt as Date, asOf),
    ]);
    const stage = stageChanges.at(-1)?.toStage ?? 'none';
    const withheld = graph.nodes.filter((n) => n.redacted).length + serving.withheld;
    const body: Body = {
      modelUrn: model?.urn ?? '(withheld)',
      modelVersionUrn: mv.urn,
      version: Number(mv.version),
      artifactUri: this.access.can(caller, 'readData', mv) ? ((mv.artifactUri as string | null) ?? null) : null,
      artifactSha256: (mv.artifactSha256 as string | null) ?? null,
      framework: (mv.framework as string | null) ?? null,
      signature: mv.signature ?? null,
      stage,
      trainingRuns,
      compute: {
        trainingRuns: trainingRuns.length,
        gpuHours: round(trainingRuns.reduce((s, r) => s + (r.gpuHours ?? 0), 0)),
        energyKwh: round(trainingRuns.reduce((s, r) => s + (r.energyKwh ?? 0), 0)),
        gpus: trainingRuns.filter((r) => r.gpuType).map((r) => `${r.gpuType} × ${r.gpuCount ?? 1}`),
      },
      data,
      stageChanges,
      stageHistory,
      policies,
      serving: serving.deployments,
      deadLetters,
      withheld,
      findings: [],
      auditLog: { ok: auditLog.ok, checked: auditLog.checked, brokenAt: auditLog.brokenAt, reason: auditLog.reason },
    };
    body.findings = findings(body);
    const report = sealReport('model_version', urn, asOf, body);
    await recordReportRead(this.audit, caller, urn, report, { asOf: asOf.toISOString() });
    return report;
  }

  /** Everything upstream of a model version as of `asOf` (what the reader may not read, redacted), with entities. */
  async upstream(caller: Caller, ctx: RequestContext, urn: string, asOf: Date): Promise<{ graph: LineageGraph; entities: Map<string, Entity> }> {
    const visible = await this.lineageAccess.visibility(caller, { urn, field: 'urn' });
    const graph = await this.lineage.lineage({ urn, direction: LineageDirection.UPSTREAM, depth: MAX_DEPTH, limit: 10_000, asOf, visible });
    const entities = new Map((await this.reader.entities(ctx, graph.nodes.filter((n) => !n.redacted).map((n) => n.id))).map((e) => [e.id, e]));
    return { graph, entities };
  }

  private trainingRuns(graph: LineageGraph, entities: Map<string, Entity>): ReportTrainingRun[] {
    const codeOf = new Map<string, string>();
    for (const e of graph.edges) if (e.kind === EdgeKind.CODE) codeOf.set(e.toId, e.fromId);
    return graph.nodes
      .filter((n) => n.kind === NodeKind.RUN && entities.get(n.id)?.runKind === 'training')
      .sort((a, b) => a.depth - b.depth || String(a.urn).localeCompare(String(b.urn)))
      .map((n) => {
        const r = entities.get(n.id)!;
        const code = codeOf.has(n.id) ? entities.get(codeOf.get(n.id)!) : undefined;
        return {
          urn: r.urn, runId: String(r.runId), status: String(r.status),
          startedAt: (r.startedAt as Date | null) ?? null, endedAt: (r.endedAt as Date | null) ?? null,
          params: (r.params as Record<string, unknown>) ?? {}, metrics: (r.metrics as Record<string, unknown>) ?? {},
          codeVersion: code ? { urn: code.urn, repositoryUrl: (code.repositoryUrl as string) ?? null, commitSha: (code.commitSha as string) ?? null, path: (code.path as string) ?? null } : null,
          gpuType: (r.gpuType as string | null) ?? null, gpuCount: (r.gpuCount as number | null) ?? null,
          gpuHours: r.gpuHours === null || r.gpuHours === undefined ? null : Number(r.gpuHours),
          energyKwh: r.energyKwh === null || r.energyKwh === undefined ? null : Number(r.energyKwh),
          depth: n.depth,
        };
      });
  }

  /** The data section: every upstream dataset version and feature view, with the path that connects it. */
  data(graph: LineageGraph, entities: Map<string, Entity>): ReportDataItem[] {
    const paths = pathsToRoot(graph);
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const node = (id: string): ReportNode => {
      const n = byId.get(id)!;
      return { kind: n.kind, urn: n.urn, name: n.name, withheld: n.redacted };
    };
    return graph.nodes
      .filter((n) => (n.kind === NodeKind.DATASET_VERSION || n.kind === NodeKind.FEATURE_VIEW) && entities.has(n.id))
      .sort((a, b) => String(a.urn).localeCompare(String(b.urn)))
      .map((n) => {
        const e = entities.get(n.id)!;
        return {
          kind: n.kind, urn: e.urn, name: e.name, ownerTeam: e.ownerTeam ?? null, domain: e.domain ?? null,
          classifications: [...e.classifications].sort(), path: (paths.get(n.id) ?? [n.id]).map(node),
        };
      });
  }

  private async stageHistory(id: string, asOf: Date) {
    const all = (await this.stageRequests.ofVersions([id])).get(id) ?? [];
    return all
      .filter((r) => r.createdAt <= asOf)
      .map((r) => {
        const decided = r.decidedAt !== null && r.decidedAt <= asOf;
        return {
          stage: String(r.stage), requestedBy: r.requestedBy, reason: r.reason, createdAt: r.createdAt,
          status: decided ? String(r.status) : 'pending', decidedBy: decided ? r.decidedBy : null, decidedAt: decided ? r.decidedAt : null,
        };
      });
  }

  private async coveringPolicies(mv: Entity, asOf: Date): Promise<string[]> {
    return (await this.policies.list())
      .filter((p) => p.createdAt <= asOf && (!p.expiresAt || p.expiresAt > asOf) && policyCovers(p, mv))
      .map((p) => p.name)
      .sort();
  }

  private async serving(ctx: RequestContext, id: string, asOf: Date): Promise<{ deployments: ReportDeployment[]; withheld: number }> {
    const ids = [...new Set((await this.lineage.edgeTargets([id], EdgeKind.SERVES, new Date(0))).map((t) => t.toId))];
    const visible = await this.reader.entities(ctx, ids);
    const revisions = await this.deployments.revisionsOf(visible.map((d) => d.id));
    const deployments = visible
      .map((d) => ({
        deployment: d,
        windows: (revisions.get(d.id) ?? [])
          .filter((r) => r.modelVersionId === id && r.validFrom <= asOf)
          .map((r) => ({ from: r.validFrom, to: r.validTo && r.validTo <= asOf ? r.validTo : null, trafficShare: r.trafficShare })),
      }))
      .filter((d) => d.windows.length)
      .sort((a, b) => a.deployment.urn.localeCompare(b.deployment.urn));
    const flat = deployments.flatMap((d) => d.windows.map((w) => ({ deploymentId: d.deployment.id, modelVersionId: id, from: w.from, to: w.to ?? asOf })));
    const counts = await this.predictionCounts.count(flat);
    let i = 0;
    return {
      withheld: ids.length - visible.length,
      deployments: deployments.map(({ deployment, windows }) => ({
        urn: deployment.urn,
        name: deployment.name,
        environment: (deployment.environment as string | null) ?? null,
        windows: windows.map((w) => ({ ...w, predictionCount: counts[i++] })),
      })),
    };
  }

  private async deadLetters(urn: string, asOf: Date): Promise<number> {
    const rows = await this.ingestion.deadLetters.page(this.db, { urn }, 10_000);
    return rows.filter((r) => r.receivedAt <= asOf).length;
  }
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

function findings(r: Body): ReportFinding[] {
  const out: ReportFinding[] = [];
  const warn = (message: string) => out.push({ severity: 'warning', message });
  const info = (message: string) => out.push({ severity: 'info', message });
  if (!r.trainingRuns.length) warn('No training run is recorded upstream of this model version.');
  for (const run of r.trainingRuns) if (!run.codeVersion) warn(`Training run ${run.runId} has no code version.`);
  if (!r.artifactSha256) warn('The artifact has no sha256: it cannot be verified or replayed.');
  if (r.stage === 'production' && !r.stageHistory.some((s) => s.stage === 'production' && s.status === 'approved')) {
    warn('In production without a recorded four-eyes approval.');
  }
  const pii = r.data.filter((d) => d.classifications.includes('PII')).map((d) => d.urn);
  if (pii.length) info(`Trained on data classified PII: ${pii.join(', ')}.`);
  if (r.deadLetters) warn(`${r.deadLetters} dead-lettered event(s) mention this model version.`);
  if (r.withheld) info(`${r.withheld} upstream or serving node(s) are withheld from this reader.`);
  if (!r.auditLog.ok) warn(`The audit log is not intact over this period: ${r.auditLog.reason}`);
  return out;
}
