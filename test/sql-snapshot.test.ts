/**
 * Every SQL statement a representative scenario sends, normalized and sorted, must equal the committed
 * `schema/queries.sql` (as Immich keeps its repository queries): a change to SQL shows up in review as a
 * diff of readable SQL. After an intended change: `UPDATE_SQL_SNAPSHOT=1 npm test -- sql-snapshot`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, TestApp } from './support/harness';
import { codeVersion, dataset, datasetVersion, deployment, model, modelVersion, run } from './support/catalog';
import { olEvent, pedigreeEvent, uuid } from './support/events';

const FILE = join(__dirname, '..', '..', 'schema', 'queries.sql');
let app: TestApp;
const seen = new Set<string>();

before(async () => {
  // No background work: the audit sealer and the search indexer would add statements depending on timing.
  app = await startTestApp({ PEDIGREE_AUTH_CACHE_SECONDS: '0', PEDIGREE_SEARCH_INDEXER: 'false', PEDIGREE_AUDIT_SEAL_INTERVAL_MS: '0' });
  app.db.onStatement = (text) => seen.add(text.replace(/\s+/g, ' ').trim());
});
after(async () => app?.close());

async function scenario(): Promise<void> {
  const raw = await dataset(app, 'raw.events', { ownerTeam: 'ops', tags: ['gold'], classifications: ['PII'] });
  const v1 = await datasetVersion(app, raw, { contentHash: 'h1', columns: [{ name: 'id', type: 'bigint' }] });
  await datasetVersion(app, raw, { contentHash: 'h1' });
  const code = await codeVersion(app, 'abcdef1');
  const r = await run(app, 'train', { inputs: [v1], codeVersionUrn: code, startedAt: '2026-01-01T00:00:00Z',
    contextUrns: [(await app.ok(`mutation { registerContext(input: { contextKind: EXPERIMENT, name: "e" }) { urn } }`)).registerContext.urn] });
  const out = await datasetVersion(app, raw, { producedByRunUrn: r });
  await run(app, 'train', { columnLineage: [{ outputUrn: out, column: 'id', inputs: [{ urn: v1, column: 'id' }] }] });
  const m = await model(app, 'm');
  const mv = await modelVersion(app, m, { trainedByRunUrn: r, artifactSha256: 'a'.repeat(64) });
  await app.ok(`mutation($u: String!) { setModelVersionStage(input: { urn: $u, stage: STAGING }) { urn } }`, { u: mv });
  const dep = await deployment(app, 'api');
  await app.ok(`mutation($d: String!, $m: String!) { reviseDeployment(input: { deploymentUrn: $d, traffic: [{ modelVersionUrn: $m, trafficShare: 1 }] }) { urn } }`, { d: dep, m: mv });
  await app.ok(`mutation { registerFeatureView(input: { name: "fv", entities: ["id"], sourceDatasetUrn: "${raw}", features: [{ name: "f", dtype: "int" }] }) { urn } }`);
  await app.ok(`{ datasets(first: 10, filter: { ownerTeam: "ops", tag: "gold", classification: "PII", namePrefix: "raw" }) {
      edges { node { urn latestVersion { urn producedBy { urn codeVersion { urn } contexts { urn } } consumedBy { urn } } } } } }`);
  await app.ok(`query($u: String!) { run(urn: $u) { inputs { urn } outputs { urn } parent { urn } } deployment(urn: "${dep}") { revisions { modelVersion { urn } } } }`, { u: r });
  await app.ok(`{ featureViews { edges { node { features { name } sourceDataset { urn } } } } contexts { edges { node { members { urn } } } } }`);
  await app.ok(`query($u: String!) { lineage(urn: $u, direction: BOTH, depth: 3) { nodes { urn entity { urn } } } }`, { u: r });
  await app.ok(`query($u: String!) { lineage(urn: $u, depth: 3, asOf: "2026-06-01T00:00:00Z") { truncated } }`, { u: dep });
  await app.ok(`query($a: String!, $b: String!) { path(fromUrn: $a, toUrn: $b) { paths { urn } } }`, { a: v1, b: dep });
  await app.ok(`query($u: String!) { impact(urn: $u) { groups { kind } deployments { windows { modelVersion { urn } } } } }`, { u: v1 });
  await app.ok(`query($u: String!) { columnLineage(datasetVersionUrn: $u, column: "id", direction: BOTH) { truncated } }`, { u: out });
  await app.ok(`{ me { name } principals { apiKeys { id } } }`);
  await ingestion();
}

/** Ingestion: a mixed batch (OpenLineage with parent, versions and column lineage; Pedigree events; poison). */
async function ingestion(): Promise<void> {
  const [parent, child] = [uuid(), uuid()];
  const version = (v: string) => ({ version: { _producer: 't', _schemaURL: 'u', datasetVersion: v } });
  const child1 = olEvent({ runId: child, eventType: 'START', eventTime: '2026-02-01T00:00:00Z',
    runFacets: { parent: { _producer: 't', _schemaURL: 'u', run: { runId: parent }, job: { namespace: 'snap', name: 'dag' } } },
    job: { namespace: 'snap', name: 'step', facets: { sourceCodeLocation: { _producer: 't', _schemaURL: 'u', url: 'https://git/x', version: 'abc123' } } },
    inputs: [{ namespace: 'snap', name: 'in', facets: version('i1') }, { namespace: 'snap', name: 'latest' }],
    outputs: [{ namespace: 'snap', name: 'out', facets: { columnLineage: { _producer: 't', _schemaURL: 'u', fields: { c: { inputFields: [{ namespace: 'snap', name: 'in', field: 'c' }] } } } } }] });
  const events = [
    child1,
    { ...child1, eventType: 'COMPLETE', eventTime: '2026-02-01T00:10:00Z' },
    child1,
    { eventType: 'START', eventTime: 'not a time', run: { runId: uuid() }, job: { namespace: 'a', name: 'b' } },
    pedigreeEvent('training.progress', { runId: 'snap-train', step: 1, gpuHours: 1 }),
    pedigreeEvent('model_version.registered', { model: { name: 'snap-model' }, artifactSha256: 'b'.repeat(64), trainedByRunId: 'snap-train' }),
    pedigreeEvent('dataset.profiled', { dataset: { namespace: 'snap', name: 'in' }, statistics: { rowCount: 1 } }),
  ];
  const res = await app.post('/api/v1/events', events);
  assert.equal(res.status, 200, res.text);
  await app.post('/api/v1/lineage', { ...child1, eventType: 'RUNNING', eventTime: '2026-02-01T00:05:00Z' });
  await app.ok(`{ deadLetters(pending: true, urn: "urn:pedigree:run:x") { edges { node { id } } } }`);
}

describe('SQL snapshot', () => {
  it('matches schema/queries.sql', async () => {
    await scenario();
    const snapshot = `-- Every statement a representative scenario sends (test/sql-snapshot.test.ts), normalized and sorted.\n\n${[...seen]
      .sort()
      .map((q) => `${q};`)
      .join('\n\n')}\n`;
    if (process.env.UPDATE_SQL_SNAPSHOT === '1') writeFileSync(FILE, snapshot);
    assert.equal(snapshot, readFileSync(FILE, 'utf8'), 'SQL changed: review it, then UPDATE_SQL_SNAPSHOT=1 npm test -- sql-snapshot');
  });
});
