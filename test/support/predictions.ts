/** Builders for prediction-logging tests: Arrow IPC bodies, JSON lines, UUIDv7 ids and a served model scenario. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dictionary, Float64, Int32, Table, tableToIPC, TimestampMillisecond, Utf8, vectorFromArray } from 'apache-arrow';
import assert from 'node:assert/strict';
import { ADMIN_KEY, TestApp } from './harness';
import { dataset, datasetVersion, deployment, model, modelVersion, run } from './catalog';
import { linearModel, TestModel, writeModel } from './onnx-models';

export function uuidv7(ms: number): string {
  const hex = ms.toString(16).padStart(12, '0') + randomBytes(10).toString('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface Row {
  predictionId: string;
  deployment: string;
  modelVersion?: string | null;
  timestamp: number;
  input?: unknown;
  output?: unknown;
  latencyMs?: number;
  metadata?: Record<string, unknown>;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/** An Arrow table with the documented columns (deployment dictionary-encoded when asked). */
export function arrowTable(rows: Row[], opts: { dictionary?: boolean } = {}): Table {
  return new Table({
    prediction_id: vectorFromArray(rows.map((r) => r.predictionId), new Utf8()),
    deployment: opts.dictionary
      ? vectorFromArray(rows.map((r) => r.deployment), new Dictionary(new Utf8(), new Int32()))
      : vectorFromArray(rows.map((r) => r.deployment), new Utf8()),
    model_version: vectorFromArray(rows.map((r) => r.modelVersion ?? null), new Utf8()),
    timestamp: vectorFromArray(rows.map((r) => new Date(r.timestamp)), new TimestampMillisecond()),
    input: vectorFromArray(rows.map((r) => json(r.input)), new Utf8()),
    output: vectorFromArray(rows.map((r) => json(r.output)), new Utf8()),
    latency_ms: vectorFromArray(rows.map((r) => r.latencyMs ?? null), new Float64()),
    metadata: vectorFromArray(rows.map((r) => json(r.metadata)), new Utf8()),
  });
}

export const arrowBody = (rows: Row[], opts: { dictionary?: boolean } = {}): Buffer => Buffer.from(tableToIPC(arrowTable(rows, opts), 'stream'));

export const jsonLines = (rows: Row[]): string =>
  rows.map((r) => JSON.stringify({ ...r, modelVersion: r.modelVersion ?? undefined, timestamp: new Date(r.timestamp).toISOString() })).join('\n');

export const ARROW = 'application/vnd.apache.arrow.stream';
export const NDJSON = 'application/x-ndjson';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/**
 * A credit model with two versions (real ONNX artifacts in a temporary artifact root), trained on a dataset
 * version by a training run, served by `credit-api`: v1 alone from now−3d, v1 + v2 (canary 10 %) from
 * now−2d, v2 alone from now−1d. `audit-api` keeps only hashes of payloads.
 */
export interface Served {
  artifactRoot: string;
  deployment: string;
  hashOnly: string;
  v1: string;
  v2: string;
  m1: TestModel;
  m2: TestModel;
  t: { v1Only: number; canary: number; v2Only: number; before: number };
  trainingRun: string;
  trainingData: string;
}

export function artifactRoot(): string {
  return mkdtempSync(join(tmpdir(), 'pedigree-artifacts-'));
}

export async function servedScenario(app: TestApp, root: string): Promise<Served> {
  const now = Date.now();
  const m1 = linearModel([0.5, -1.25, 2], 0.1);
  const m2 = linearModel([0.75, -1, 1.5], -0.2, { logistic: true });
  const data = await datasetVersion(app, await dataset(app, 'loans'));
  const training = await run(app, `train-${randomBytes(3).toString('hex')}`, { inputs: [data], status: 'COMPLETED' });
  const creditModel = await model(app, 'credit');
  const props = { properties: { featureNames: ['income', 'debt', 'age'] } };
  const v1 = await modelVersion(app, creditModel, { artifactUri: writeModel(join(root, 'v1.onnx'), m1), artifactSha256: m1.sha256, framework: 'onnx', trainedByRunUrn: training, ...props });
  const v2 = await modelVersion(app, creditModel, { artifactUri: writeModel(join(root, 'v2.onnx'), m2), artifactSha256: m2.sha256, framework: 'onnx', ...props });
  const dep = await deployment(app, 'credit-api', { environment: 'production' });
  const hashOnly = await deployment(app, 'audit-api', { predictionPayloads: 'HASH' });
  const at = (ms: number) => new Date(ms).toISOString();
  const revise = (urn: string, traffic: { modelVersionUrn: string; trafficShare: number }[], validFrom: number) =>
    app.ok(`mutation($i: ReviseDeploymentInput!) { reviseDeployment(input: $i) { urn } }`, { i: { deploymentUrn: urn, traffic, validFrom: at(validFrom) } });
  await revise(dep, [{ modelVersionUrn: v1, trafficShare: 1 }], now - 3 * DAY);
  await revise(dep, [{ modelVersionUrn: v1, trafficShare: 0.9 }, { modelVersionUrn: v2, trafficShare: 0.1 }], now - 2 * DAY);
  await revise(dep, [{ modelVersionUrn: v2, trafficShare: 1 }], now - DAY);
  await revise(hashOnly, [{ modelVersionUrn: v1, trafficShare: 1 }], now - 3 * DAY);
  return {
    artifactRoot: root,
    deployment: dep,
    hashOnly,
    v1,
    v2,
    m1,
    m2,
    t: { before: now - 4 * DAY, v1Only: now - 3 * DAY + HOUR, canary: now - 2 * DAY + HOUR, v2Only: now - DAY + HOUR },
    trainingRun: training,
    trainingData: data,
  };
}

/** Logs records on a deployment as JSON lines, ids UUIDv7 from `at` (one ms apart); returns the ids. */
export async function logPredictions(app: TestApp, deploymentUrn: string, records: Partial<Row>[], at: number): Promise<string[]> {
  const rows = records.map((r, i) => ({ predictionId: uuidv7(at + i), deployment: deploymentUrn, timestamp: at + i, ...r }));
  const res = await app.post('/api/v1/predictions', jsonLines(rows as Row[]), ADMIN_KEY, NDJSON);
  assert.equal(res.status, 200, res.text);
  return rows.map((r) => r.predictionId);
}
