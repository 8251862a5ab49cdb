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

const FILE = join(__dirname, '..', '..', 'schema', 'queries.sql');
let app: TestApp;
const seen = new Set<string>();

before(async () => {
  app = await startTestApp({ PEDIGREE_AUTH_CACHE_SECONDS: '0' });
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
  await app.ok(`mutation($u: String!) { setModelVersionStage(input: { urn: $u, stage: PRODUCTION }) { urn } }`, { u: mv });
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
