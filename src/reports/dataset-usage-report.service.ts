/**
 * The dataset usage report: over [from, to), the runs that read the dataset's versions (with how often),
 * everything downstream of it as of `to` (by kind; model versions and deployments listed), and who read its
 * data according to the audit log. Same access path as every read: `audit` on the dataset to generate it,
 * and what the reader may not read downstream is counted as withheld, never named.
 */
import { Injectable } from '@nestjs/common';
import { AccessService, Caller } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import { CatalogReader } from '../catalog/nodes/catalog.reader';
import { RunKind } from '../catalog/runs/run.types';
import { EdgeKind } from '../lineage/edge.types';
import { LineageAccess } from '../lineage/lineage-access';
import { LineageService } from '../lineage/lineage.service';
import { LineageDirection } from '../lineage/lineage.types';
import { InvalidInputError } from '../platform/errors/errors';
import { NodeKind } from '../platform/graph/node-kind';
import { readerContext, recordReportRead, sealReport } from './report-digest';
import { DatasetUsageReport, ReportFinding, ReportReader } from './report.types';

const DOWNSTREAM_DEPTH = 10;

@Injectable()
export class DatasetUsageReportService {
  constructor(
    private readonly reader: CatalogReader,
    private readonly access: AccessService,
    private readonly lineage: LineageService,
    private readonly lineageAccess: LineageAccess,
    private readonly audit: AuditService,
  ) {}

  async build(caller: Caller, urn: string, from: Date, to: Date): Promise<DatasetUsageReport> {
    if (!(from < to)) throw new InvalidInputError('from must be before to.');
    const ctx = readerContext(caller);
    const dataset = await this.reader.get(ctx, NodeKind.DATASET, urn);
    this.access.require(caller, 'audit', dataset, 'dataset');
    const visible = await this.lineageAccess.visibility(caller, { urn, field: 'urn' });
    const graph = await this.lineage.lineage({ urn, direction: LineageDirection.DOWNSTREAM, depth: DOWNSTREAM_DEPTH, limit: 10_000, asOf: to, visible });
    const versions = graph.nodes.filter((n) => n.depth === 0 && n.kind === NodeKind.DATASET_VERSION);
    const versionIds = new Set(versions.map((n) => n.id));
    const reads = new Map<string, number>();
    for (const e of graph.edges) {
      if (e.kind === EdgeKind.INPUT && versionIds.has(e.fromId) && e.validFrom >= from) reads.set(e.toId, (reads.get(e.toId) ?? 0) + 1);
    }
    const runs = await this.reader.entities(ctx, [...reads.keys()]);
    const readers: ReportReader[] = runs
      .map((r) => ({ urn: r.urn, name: r.name, runKind: (r.runKind as RunKind | null) ?? null, reads: reads.get(r.id)! }))
      .sort((a, b) => b.reads - a.reads || a.urn.localeCompare(b.urn));
    const downstream = graph.nodes.filter((n) => n.depth > 0);
    const byKind = new Map<NodeKind, number>();
    for (const n of downstream) byKind.set(n.kind, (byKind.get(n.kind) ?? 0) + 1);
    const named = (kind: NodeKind) => downstream.filter((n) => n.kind === kind && !n.redacted).map((n) => n.urn!).sort();
    const visibleVersions = versions.filter((v) => !v.redacted).map((v) => v.urn!).sort();
    const [dataAccess, auditLog] = await Promise.all([this.audit.dataReaders([urn, ...visibleVersions], from, to), this.audit.verify(from, to)]);
    const body = {
      datasetUrn: urn,
      from,
      to,
      versions: visibleVersions,
      readers,
      downstream: [...byKind].map(([kind, count]) => ({ kind, count })).sort((a, b) => a.kind.localeCompare(b.kind)),
      modelVersions: named(NodeKind.MODEL_VERSION),
      deployments: named(NodeKind.DEPLOYMENT),
      dataAccess,
      withheld: graph.nodes.filter((n) => n.redacted).length + (reads.size - runs.length),
      findings: [] as ReportFinding[],
      auditLog: { ok: auditLog.ok, checked: auditLog.checked, brokenAt: auditLog.brokenAt, reason: auditLog.reason },
    };
    if (dataset.classifications.length) {
      body.findings.push({ severity: 'info', message: `Classified ${dataset.classifications.join(', ')}; ${dataAccess.length} principal(s) read its data in the period.` });
    }
    if (!readers.length) body.findings.push({ severity: 'info', message: 'No run read it in the period.' });
    if (body.withheld) body.findings.push({ severity: 'info', message: `${body.withheld} downstream node(s) are withheld from this reader.` });
    if (graph.truncated) body.findings.push({ severity: 'info', message: `Downstream is larger than shown (cut at ${DOWNSTREAM_DEPTH} hops or 10,000 edges).` });
    if (!auditLog.ok) body.findings.push({ severity: 'warning', message: `The audit log is not intact over this period: ${auditLog.reason}` });
    const report = sealReport('dataset_usage', urn, to, body);
    await recordReportRead(this.audit, caller, urn, report, { from: from.toISOString(), to: to.toISOString() });
    return report;
  }
}
