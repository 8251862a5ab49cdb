/**
 * The prediction report — "why was this customer refused?" in one document: the prediction, the deployment
 * and model version that served it, the replay verdict, the attributions, and the model version's data
 * section. Access follows the deployment (as for every prediction read): `audit` on it to generate the
 * report, `readData` on it for payloads, replay and attributions.
 */
import { Injectable } from '@nestjs/common';
import { AccessService, Caller } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import { CatalogReader } from '../catalog/nodes/catalog.reader';
import { ModelVersionInfo, ReplayService } from '../predictions/onnx/replay.service';
import { PredictionQueryService } from '../predictions/prediction-query.service';
import { ExplainArgs, PredictionRecord } from '../predictions/prediction.types';
import { NotFoundError, PedigreeError } from '../platform/errors/errors';
import { RequestContext } from '../platform/graphql/request-context';
import { ModelVersionReportService } from './model-version-report.service';
import { readerContext, recordReportRead, sealReport } from './report-digest';
import { PredictionReport, ReportExplanation, ReportFinding, ReportReplay } from './report.types';

/** The replay tolerance of `replayPrediction`'s default. */
const REPLAY_TOLERANCE = 1e-5;

const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

@Injectable()
export class PredictionReportService {
  constructor(
    private readonly predictions: PredictionQueryService,
    private readonly replayer: ReplayService,
    private readonly reader: CatalogReader,
    private readonly access: AccessService,
    private readonly modelVersions: ModelVersionReportService,
    private readonly audit: AuditService,
  ) {}

  async build(caller: Caller, id: string, asOfArg?: Date): Promise<PredictionReport> {
    const asOf = asOfArg ?? new Date();
    const ctx = readerContext(caller);
    const record = await this.guarded(caller, ctx, id);
    const deployment = (await this.reader.loaders(ctx).entity.load(record.deploymentId))!;
    const mv = await this.reader.visible(ctx, record.modelVersionId);
    const data = this.access.can(caller, 'readData', deployment);
    const findings: ReportFinding[] = [];
    const { replay, explanation } = data && mv ? await this.rerun(record, mv as unknown as ModelVersionInfo, findings) : { replay: null, explanation: null };
    if (!data) findings.push({ severity: 'info', message: 'Payloads, replay and attributions need readData on the deployment; this reader has not.' });
    if (!mv) findings.push({ severity: 'info', message: 'The serving model version is withheld from this reader.' });
    let upstream = { data: [] as PredictionReport['data'], withheld: mv ? 0 : 1 };
    if (mv) {
      const { graph, entities } = await this.modelVersions.upstream(caller, ctx, mv.urn, asOf);
      upstream = { data: this.modelVersions.data(graph, entities), withheld: graph.nodes.filter((n) => n.redacted).length };
    }
    const auditLog = await this.audit.verify(record.timestamp < asOf ? record.timestamp : asOf, asOf);
    if (!auditLog.ok) findings.push({ severity: 'warning', message: `The audit log is not intact over this period: ${auditLog.reason}` });
    const report = sealReport('prediction', record.id, asOf, {
      predictionId: record.id,
      timestamp: record.timestamp,
      deploymentUrn: deployment.urn,
      modelVersionUrn: mv?.urn ?? '(withheld)',
      latencyMs: record.latencyMs ?? null,
      inputSha256: record.inputSha256 ?? null,
      outputSha256: record.outputSha256 ?? null,
      input: data ? parse(record.inputText) : null,
      output: data ? parse(record.outputText) : null,
      replay,
      explanation,
      data: upstream.data,
      withheld: upstream.withheld,
      findings,
      auditLog: { ok: auditLog.ok, checked: auditLog.checked, brokenAt: auditLog.brokenAt, reason: auditLog.reason },
    });
    await recordReportRead(this.audit, caller, `prediction:${record.id}`, report, { asOf: asOf.toISOString() });
    return report;
  }

  /** The record, when the caller may audit its deployment; hidden and missing read alike otherwise. */
  private async guarded(caller: Caller, ctx: RequestContext, id: string): Promise<PredictionRecord> {
    let record: PredictionRecord | undefined;
    try {
      record = await this.predictions.get(id);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    const deployment = record && (await this.reader.loaders(ctx).entity.load(record.deploymentId));
    if (!record || !deployment || !this.access.can(caller, 'audit', deployment)) {
      if (!record && !this.access.scope(caller, 'audit')) throw new NotFoundError(`No prediction ${id.slice(0, 200)}.`);
      this.access.denied(caller, 'audit', `prediction:${id.slice(0, 200)}`, { exists: Boolean(record) });
      throw this.access.hidden('prediction', id, 'audit');
    }
    return record;
  }

  /** Replay and attributions; what cannot be done becomes a finding, never a silent pass. */
  private async rerun(record: PredictionRecord, mv: ModelVersionInfo, findings: ReportFinding[]): Promise<{ replay: ReportReplay | null; explanation: ReportExplanation | null }> {
    const attempt = async <T>(what: string, work: () => Promise<T>): Promise<T | null> => {
      try {
        return await work();
      } catch (err) {
        if (!(err instanceof PedigreeError)) throw err;
        findings.push({ severity: 'warning', message: `Could not ${what}: ${err.message}` });
        return null;
      }
    };
    const r = await attempt('replay it', () => this.replayer.replay(record, mv, REPLAY_TOLERANCE));
    const e = await attempt('explain it', () => this.replayer.explain(record, mv, { id: record.id, samples: 200 } as ExplainArgs));
    if (r && !r.reproducible) findings.push({ severity: 'warning', message: `Not reproducible: the replayed output differs by ${r.maxAbsDifference}.` });
    return {
      replay: r && { reproducible: r.reproducible, maxAbsDifference: r.maxAbsDifference, tolerance: r.tolerance, artifactSha256: r.artifactSha256, notes: r.notes },
      explanation: e && {
        method: e.method, limits: e.limits, baselineSource: e.baselineSource, predictedValue: e.predictedValue, baselineValue: e.baselineValue,
        attributions: e.attributions.map((a) => ({ feature: a.feature, value: a.value, attribution: a.attribution })),
      },
    };
  }
}
