/**
 * OpenLineage RunEvent → the catalog's ObservedRun. Mapped facets: parent, nominalTime, errorMessage (run);
 * sourceCodeLocation, sql, jobType (job); schema, dataSource, version, lifecycleStateChange, columnLineage,
 * dataQualityMetrics (datasets); dataQualityMetrics (input facets); outputStatistics (output facets).
 * Every other facet is kept as given on the run's or dataset version's properties, one key per facet
 * (`openlineage:<facet name>`), so facets reported by different events of one run add up whatever the order.
 */
import { ObservedColumnLink, ObservedDataset, ObservedRun } from '../../catalog/batch/run-batch.types';
import { RunKind, RunStatus } from '../../catalog/runs/run.types';
import { Facets, OpenLineageDataset, OpenLineageRunEvent } from '../events/openlineage.types';

const STATUS: Record<string, RunStatus | undefined> = {
  START: RunStatus.RUNNING,
  RUNNING: RunStatus.RUNNING,
  COMPLETE: RunStatus.COMPLETED,
  FAIL: RunStatus.FAILED,
  ABORT: RunStatus.ABORTED,
  OTHER: undefined,
};

const RUN_FACETS = ['parent', 'nominalTime', 'errorMessage'];
const JOB_FACETS = ['sourceCodeLocation', 'sql', 'jobType'];
const DATASET_FACETS = ['schema', 'dataSource', 'version', 'columnLineage', 'dataQualityMetrics'];

/** Idempotency key of an OpenLineage event: runId + eventType + eventTime. */
export function openLineageKey(e: OpenLineageRunEvent): string {
  return `ol:${e.run.runId.toLowerCase()}:${e.eventType ?? 'OTHER'}:${e.eventTime}`;
}

/** Facets Pedigree does not map, keyed `openlineage:<name>`. */
function unmapped(facets: Facets | undefined, mapped: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(facets ?? {}).filter(([k]) => !mapped.includes(k)).map(([k, v]) => [`openlineage:${k}`, v]));
}

function runKind(e: OpenLineageRunEvent): RunKind {
  const t = String(e.job.facets?.jobType?.jobType ?? '').toUpperCase();
  if (t.includes('TRAIN')) return RunKind.TRAINING;
  if (t.includes('EVAL')) return RunKind.EVALUATION;
  if (t.includes('INFERENCE') || t.includes('PREDICT')) return RunKind.BATCH_INFERENCE;
  return RunKind.PIPELINE_STEP;
}

type Metrics = { rowCount?: number; bytes?: number; fileCount?: number; columnMetrics?: Record<string, Record<string, unknown>> };

function statistics(d: OpenLineageDataset): Record<string, unknown> | undefined {
  const q = (d.inputFacets?.dataQualityMetrics ?? d.facets?.dataQualityMetrics) as Metrics | undefined;
  const o = d.outputFacets?.outputStatistics as { rowCount?: number; size?: number; fileCount?: number } | undefined;
  if (!q && !o) return undefined;
  const rowCount = q?.rowCount ?? o?.rowCount;
  const stats: Record<string, unknown> = {};
  if (rowCount !== undefined) stats.rowCount = rowCount;
  if ((q?.bytes ?? o?.size) !== undefined) stats.bytes = q?.bytes ?? o?.size;
  if ((q?.fileCount ?? o?.fileCount) !== undefined) stats.fileCount = q?.fileCount ?? o?.fileCount;
  const columns = Object.entries(q?.columnMetrics ?? {}).map(([name, m]) => ({
    name,
    nullFraction: typeof m.nullCount === 'number' && rowCount ? m.nullCount / rowCount : null,
    distinctCount: typeof m.distinctCount === 'number' ? m.distinctCount : null,
    min: m.min === undefined ? null : String(m.min),
    max: m.max === undefined ? null : String(m.max),
  }));
  if (columns.length) stats.columns = columns;
  return stats;
}

function dataset(d: OpenLineageDataset): ObservedDataset {
  const f = d.facets ?? {};
  const fields = (f.schema?.fields ?? []) as { name: string; type?: string; description?: string }[];
  const kept = {
    ...unmapped(d.facets, DATASET_FACETS),
    ...unmapped(d.inputFacets, ['dataQualityMetrics']),
    ...unmapped(d.outputFacets, ['outputStatistics']),
  };
  return {
    namespace: d.namespace,
    name: d.name,
    versionKey: (f.version?.datasetVersion as string | undefined) ?? undefined,
    columns: fields.length
      ? fields.map((c) => ({ name: c.name, type: c.type ?? '', description: c.description ?? null, classifications: [] }))
      : undefined,
    statistics: statistics(d),
    locationUri: (f.dataSource?.uri as string | undefined) || undefined,
    properties: Object.keys(kept).length ? kept : undefined,
  };
}

type ColumnLineageFacet = {
  fields: Record<string, {
    inputFields: { namespace: string; name: string; field: string; transformations?: { type?: string; subtype?: string; description?: string }[] }[];
    transformationDescription?: string;
    transformationType?: string;
  }>;
};

function columnLinks(out: OpenLineageDataset): ObservedColumnLink[] {
  const facet = out.facets?.columnLineage as ColumnLineageFacet | undefined;
  if (!facet) return [];
  return Object.entries(facet.fields).flatMap(([column, f]) =>
    f.inputFields.map((src) => {
      const described = (src.transformations ?? []).map((t) => [t.type, t.subtype, t.description].filter(Boolean).join(' ')).filter(Boolean).join('; ');
      return {
        output: { namespace: out.namespace, name: out.name },
        column,
        input: { namespace: src.namespace, name: src.name },
        inputColumn: src.field,
        transformation: described || f.transformationDescription || f.transformationType || null,
      };
    }),
  );
}

export function toObservedRun(e: OpenLineageRunEvent): ObservedRun {
  const at = new Date(e.eventTime);
  const type = e.eventType ?? 'OTHER';
  const run = e.run.facets ?? {};
  const job = e.job.facets ?? {};
  const code = job.sourceCodeLocation as { url: string; repoUrl?: string; path?: string; version?: string; branch?: string } | undefined;
  const inputs = (e.inputs ?? []).map(dataset);
  const outputs = (e.outputs ?? []).map(dataset);
  const columnLineage = (e.outputs ?? []).flatMap(columnLinks);
  // Columns derived from a dataset the event does not list as an input: it was read all the same.
  const listed = new Set(inputs.map((d) => `${d.namespace}\u0000${d.name}`));
  for (const c of columnLineage) {
    const key = `${c.input.namespace}\u0000${c.input.name}`;
    if (!listed.has(key)) {
      listed.add(key);
      inputs.push({ namespace: c.input.namespace, name: c.input.name });
    }
  }
  const properties: Record<string, unknown> = {
    'openlineage:job': { namespace: e.job.namespace, name: e.job.name },
    ...(e.producer ? { 'openlineage:producer': e.producer } : {}),
    ...unmapped(run, RUN_FACETS),
    ...unmapped(job, JOB_FACETS),
  };
  if (run.nominalTime) properties.nominalTime = run.nominalTime;
  if (run.errorMessage) properties.errorMessage = run.errorMessage;
  const sql = job.sql?.query as string | undefined;
  return {
    runKey: e.run.runId.toLowerCase(),
    name: e.job.name,
    kind: runKind(e),
    status: STATUS[type],
    startedAt: type === 'START' ? at : undefined,
    endedAt: type === 'COMPLETE' || type === 'FAIL' || type === 'ABORT' ? at : undefined,
    params: sql ? { sql } : undefined,
    properties,
    parentRunKey: (run.parent?.run as { runId?: string } | undefined)?.runId?.toLowerCase(),
    job: { namespace: e.job.namespace, name: e.job.name },
    code: code?.version
      ? { repositoryUrl: code.repoUrl ?? code.url, commitSha: code.version.toLowerCase(), path: code.path ?? '', branch: code.branch || null }
      : undefined,
    inputs,
    outputs,
    columnLineage,
  };
}
