/**
 * A small but complete ingestion scenario: a DAG run (parent) with an extract and a transform step, a
 * training run consuming the transform's output, GPU progress reports and the model version it registered.
 * Cross-run data flow is pinned with OpenLineage datasetVersion facets. Every name carries `prefix` and every
 * run a fresh UUID, so one database can hold many applications of the scenario side by side.
 */
import { olEvent, pedigreeEvent, schemaFacet, uuid } from './events';

export interface Scenario {
  prefix: string;
  /** Raw run id → logical name, for normalizing state. */
  names: Map<string, string>;
  events: Record<string, unknown>[];
}

const version = (v: string) => ({ version: { _producer: 't', _schemaURL: 'u', datasetVersion: v } });

export function ingestScenario(prefix: string): Scenario {
  const ids = { dag: uuid(), extract: uuid(), transform: uuid(), train: uuid() };
  const names = new Map(Object.entries(ids).map(([logical, id]) => [id, `<${logical}>`]));
  const ns = `s3://${prefix}`;
  const t = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();
  const job = (name: string, jobType?: string) => ({
    namespace: prefix,
    name,
    facets: jobType ? { jobType: { _producer: 't', _schemaURL: 'u', processingType: 'BATCH', integration: 'PYTORCH', jobType } } : {},
  });
  const parent = { parent: { _producer: 't', _schemaURL: 'u', run: { runId: ids.dag }, job: { namespace: prefix, name: 'dag' } } };
  const raw = { namespace: ns, name: 'raw.orders' };
  const clean = { namespace: ns, name: 'clean.orders', facets: { ...version('v-a'), ...schemaFacet([['id', 'int'], ['amount', 'numeric']]) } };
  const daily = (extra = {}) => ({
    namespace: ns,
    name: 'daily.orders',
    facets: {
      ...version('v-b'),
      ...schemaFacet([['day', 'date'], ['total', 'numeric']]),
      columnLineage: { _producer: 't', _schemaURL: 'u', fields: { total: { inputFields: [{ namespace: ns, name: 'clean.orders', field: 'amount' }] } } },
      ...extra,
    },
  });
  const model = `${prefix}-churn`;
  const events = [
    olEvent({ runId: ids.dag, eventType: 'START', eventTime: t(0), job: job('dag') }),
    olEvent({ runId: ids.extract, eventType: 'START', eventTime: t(1), job: job('extract'), runFacets: parent, inputs: [raw], outputs: [clean] }),
    olEvent({ runId: ids.extract, eventType: 'COMPLETE', eventTime: t(2), job: job('extract'), runFacets: parent, inputs: [raw],
      outputs: [{ ...clean, outputFacets: { outputStatistics: { _producer: 't', _schemaURL: 'u', rowCount: 100, size: 2048 } } }] }),
    olEvent({ runId: ids.transform, eventType: 'START', eventTime: t(3), job: job('transform'), runFacets: parent, inputs: [clean], outputs: [daily()] }),
    olEvent({ runId: ids.transform, eventType: 'RUNNING', eventTime: t(4), job: job('transform'), runFacets: { ...parent, progress: { _producer: 't', _schemaURL: 'u', percent: 50 } } }),
    olEvent({ runId: ids.transform, eventType: 'COMPLETE', eventTime: t(5), job: job('transform'), runFacets: parent, inputs: [clean],
      outputs: [daily({ custom: { _producer: 't', _schemaURL: 'u', note: 'kept' } })] }),
    olEvent({ runId: ids.train, eventType: 'START', eventTime: t(6), job: job('train', 'TRAINING'), inputs: [daily()] }),
    pedigreeEvent('training.progress', { runId: ids.train, step: 10, metrics: { loss: 0.9 }, gpu: { type: 'H100', count: 8, utilizationPercent: 91 }, gpuHours: 1.5, energyKwh: 1.1 }, t(7)),
    pedigreeEvent('training.progress', { runId: ids.train, step: 20, metrics: { loss: 0.4 }, gpu: { type: 'H100', count: 8, utilizationPercent: 95 }, gpuHours: 3, energyKwh: 2.2 }, t(8)),
    olEvent({ runId: ids.train, eventType: 'COMPLETE', eventTime: t(9), job: job('train', 'TRAINING'), inputs: [daily()] }),
    pedigreeEvent('model_version.registered', {
      model: { name: model, ownerTeam: 'ml' }, artifactUri: `file:///models/${prefix}.onnx`, artifactSha256: 'a'.repeat(64), framework: 'onnx',
      metrics: { auc: 0.91 }, trainedByRunId: ids.train,
    }, t(10)),
    olEvent({ runId: ids.dag, eventType: 'COMPLETE', eventTime: t(11), job: job('dag') }),
  ];
  return { prefix, names, events };
}
