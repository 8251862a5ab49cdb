import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, TestApp } from './support/harness';
import { dataset, model } from './support/catalog';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(async () => app?.close());

const PARALLEL = 20;

describe('concurrent registration', () => {
  it('20 parallel registrations of one URN leave exactly one row', async () => {
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, () => app.gql(
        `mutation { registerDataset(input: { namespace: "kafka://cluster", name: "orders", ownerTeam: "ops" }) { id urn } }`)),
    );
    assert.deepEqual(results.filter((r) => r.errors), []);
    assert.equal(new Set(results.map((r) => r.data!.registerDataset.id)).size, 1);
    const rows = await app.db.query(`SELECT n.id FROM node n JOIN dataset d ON d.id = n.id WHERE n.urn = 'urn:pedigree:dataset:kafka://cluster/orders'`);
    assert.equal(rows.length, 1);
  });

  it('20 parallel new versions of one dataset are numbered 1..20 without gaps or duplicates', async () => {
    const ds = await dataset(app, 'parallel.versions');
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, () => app.gql(`mutation($u: String!) { registerDatasetVersion(input: { datasetUrn: $u }) { version } }`, { u: ds })),
    );
    assert.deepEqual(results.filter((r) => r.errors), []);
    const versions = results.map((r) => r.data!.registerDatasetVersion.version).sort((a: number, b: number) => a - b);
    assert.deepEqual(versions, Array.from({ length: PARALLEL }, (_, i) => i + 1));
  });

  it('20 parallel registrations of one content hash yield one version', async () => {
    const m = await model(app, 'parallel-model');
    const hash = 'f'.repeat(64);
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, () => app.gql(
        `mutation($u: String!, $h: String) { registerModelVersion(input: { modelUrn: $u, artifactSha256: $h }) { urn } }`, { u: m, h: hash })),
    );
    assert.deepEqual(results.filter((r) => r.errors), []);
    assert.deepEqual([...new Set(results.map((r) => r.data!.registerModelVersion.urn))], [`${m}@1`]);
    const rows = await app.db.query(`SELECT 1 FROM model_version WHERE artifact_sha256 = $1`, [hash]);
    assert.equal(rows.length, 1);
  });

  it('20 parallel registrations of one run with the same inputs make one run and one edge per input', async () => {
    const ds = await dataset(app, 'parallel.input');
    const v = (await app.ok(`mutation($u: String!) { registerDatasetVersion(input: { datasetUrn: $u }) { urn } }`, { u: ds })).registerDatasetVersion.urn;
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => app.gql(
        `mutation($v: String!, $p: JSONObject) { registerRun(input: { runId: "par-run", kind: TRAINING, inputs: [$v], params: $p }) { id } }`,
        { v, p: { [`k${i}`]: i } })),
    );
    assert.deepEqual(results.filter((r) => r.errors), []);
    const edges = await app.db.query(`SELECT 1 FROM edge e JOIN node n ON n.id = e.to_node WHERE n.urn = 'urn:pedigree:run:par-run'`);
    assert.equal(edges.length, 1);
    const d = await app.ok(`{ run(urn: "urn:pedigree:run:par-run") { params } }`);
    assert.equal(Object.keys(d.run.params).length, PARALLEL, 'every merge of params is kept');
  });
});
