import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { codeOf, startTestApp, TestApp } from './support/harness';
import { count, dataset, datasetVersion, run, snapshot } from './support/catalog';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(async () => app?.close());

const DATASET_FIELDS = `urn name namespace description ownerTeam domain tags classifications properties createdAt updatedAt`;

describe('datasets', () => {
  it('registers a dataset with an OpenLineage-style URN and reads it back', async () => {
    const urn = await dataset(app, 'public.customers', {
      description: 'All customers',
      ownerTeam: 'crm',
      domain: 'sales',
      tags: ['gold', 'gold'],
      classifications: ['PII'],
      properties: { retentionDays: 30, nested: { a: [1, 2] } },
    });
    assert.equal(urn, 'urn:pedigree:dataset:postgres://warehouse/public.customers');
    const d = await app.ok(`query($urn: String!) { dataset(urn: $urn) { ${DATASET_FIELDS} kind id } }`, { urn });
    assert.deepEqual(
      { ...d.dataset, createdAt: undefined, updatedAt: undefined, id: undefined },
      {
        urn,
        kind: 'DATASET',
        name: 'public.customers',
        namespace: 'postgres://warehouse',
        description: 'All customers',
        ownerTeam: 'crm',
        domain: 'sales',
        tags: ['gold'],
        classifications: ['PII'],
        properties: { retentionDays: 30, nested: { a: [1, 2] } },
        createdAt: undefined,
        updatedAt: undefined,
        id: undefined,
      },
    );
    const node = await app.ok(`query($urn: String!) { node(urn: $urn) { __typename urn } }`, { urn });
    assert.deepEqual(node.node, { __typename: 'Dataset', urn });
  });

  it('is an idempotent upsert: the same URN twice is one row, and an identical call changes nothing', async () => {
    const before = await count(app, 'dataset');
    await dataset(app, 'public.orders', { ownerTeam: 'sales' });
    const first = await app.ok(`{ dataset(urn: "urn:pedigree:dataset:postgres://warehouse/public.orders") { id updatedAt ownerTeam } }`);
    await dataset(app, 'public.orders', { ownerTeam: 'sales' });
    const second = await app.ok(`{ dataset(urn: "urn:pedigree:dataset:postgres://warehouse/public.orders") { id updatedAt ownerTeam } }`);
    assert.equal(await count(app, 'dataset'), before + 1);
    assert.deepEqual(second, first);
    // A changed field updates in place; fields left out keep their stored value.
    await dataset(app, 'public.orders', { description: 'Orders' });
    const third = await app.ok(`{ dataset(urn: "urn:pedigree:dataset:postgres://warehouse/public.orders") { id ownerTeam description updatedAt } }`);
    assert.equal(third.dataset.id, first.dataset.id);
    assert.equal(third.dataset.ownerTeam, 'sales');
    assert.equal(third.dataset.description, 'Orders');
    assert.ok(new Date(third.dataset.updatedAt) > new Date(first.dataset.updatedAt));
  });
});

describe('dataset URN collisions', () => {
  it('refuses a namespace/name split that spells an existing URN differently', async () => {
    const a = await app.ok(`mutation { registerDataset(input: { namespace: "s3://lake/raw", name: "events" }) { urn } }`);
    const res = await app.gql(`mutation { registerDataset(input: { namespace: "s3://lake", name: "raw/events" }) { urn } }`);
    assert.equal(codeOf(res), 'CONFLICT');
    assert.match(res.errors![0].message, /namespace "s3:\/\/lake\/raw", name "events"/);
    const d = await app.ok(`query($u: String!) { dataset(urn: $u) { namespace name } }`, { u: a.registerDataset.urn });
    assert.deepEqual(d.dataset, { namespace: 's3://lake/raw', name: 'events' });
  });
});

describe('dataset versions', () => {
  it('number themselves 1, 2, … per dataset and carry schema, statistics, hash and location', async () => {
    const ds = await dataset(app, 'public.payments', { ownerTeam: 'payments', classifications: ['PCI'] });
    const v1 = await datasetVersion(app, ds, {
      contentHash: 'h1',
      locationUri: 's3://lake/payments/2026-11-01',
      columns: [
        { name: 'card', type: 'varchar(19)', description: 'card number', classifications: ['PII'] },
        { name: 'amount', type: 'numeric(12,2)' },
      ],
      statistics: { rowCount: 1e6, bytes: 5e7, columns: [{ name: 'amount', nullFraction: 0.01, distinctCount: 5000, min: '0.01', max: '9999.99' }] },
    });
    const v2 = await datasetVersion(app, ds);
    assert.equal(v1, `${ds}@1`);
    assert.equal(v2, `${ds}@2`);
    const d = await app.ok(
      `query($urn: String!) { datasetVersion(urn: $urn) { version contentHash locationUri ownerTeam classifications
          columns { name type description classifications } statistics { rowCount bytes columns { name nullFraction distinctCount min max } }
          dataset { urn latestVersion { urn } versions(first: 10) { edges { node { version } } } } } }`,
      { urn: v1 },
    );
    const v = d.datasetVersion;
    assert.equal(v.version, 1);
    assert.equal(v.contentHash, 'h1');
    assert.equal(v.locationUri, 's3://lake/payments/2026-11-01');
    assert.equal(v.ownerTeam, 'payments', 'a version inherits its dataset owner');
    assert.deepEqual(v.classifications.sort(), ['PCI', 'PII'], 'dataset and column classifications roll up to the version');
    assert.deepEqual(v.columns[0], { name: 'card', type: 'varchar(19)', description: 'card number', classifications: ['PII'] });
    assert.deepEqual(v.statistics, {
      rowCount: 1e6,
      bytes: 5e7,
      columns: [{ name: 'amount', nullFraction: 0.01, distinctCount: 5000, min: '0.01', max: '9999.99' }],
    });
    assert.equal(v.dataset.urn, ds);
    assert.equal(v.dataset.latestVersion.urn, v2);
    assert.deepEqual(v.dataset.versions.edges.map((e: any) => e.node.version), [1, 2]);
  });

  it('returns the existing version when the content hash matches', async () => {
    const ds = await dataset(app, 'public.hashes');
    const a = await datasetVersion(app, ds, { contentHash: 'sha256:aa' });
    const b = await datasetVersion(app, ds, { contentHash: 'sha256:bb' });
    const again = await datasetVersion(app, ds, { contentHash: 'sha256:aa' });
    assert.equal(again, a);
    assert.notEqual(a, b);
    const d = await app.ok(`query($urn: String!) { dataset(urn: $urn) { versions { edges { node { version } } } } }`, { urn: ds });
    assert.equal(d.dataset.versions.edges.length, 2);
  });

  it('records the producing run as an OUTPUT edge', async () => {
    const ds = await dataset(app, 'public.features');
    const r = await run(app, 'etl-1', { kind: 'DATA_PROCESSING', status: 'COMPLETED' });
    const v = await datasetVersion(app, ds, { producedByRunUrn: r });
    const d = await app.ok(`query($urn: String!) { datasetVersion(urn: $urn) { producedBy { urn } } run(urn: "${r}") { outputs { urn } } }`, { urn: v });
    assert.equal(d.datasetVersion.producedBy.urn, r);
    assert.deepEqual(d.run.outputs, [{ urn: v }]);
  });
});

describe('dataset bad input', () => {
  it('refuses a version for a dataset that does not exist, and stores nothing', async () => {
    const before = await snapshot(app);
    const res = await app.gql(`mutation { registerDatasetVersion(input: { datasetUrn: "urn:pedigree:dataset:nowhere/none" }) { urn } }`);
    assert.equal(codeOf(res), 'NOT_FOUND');
    assert.match(res.errors![0].message, /urn:pedigree:dataset:nowhere\/none/);
    assert.equal(await snapshot(app), before);
  });

  it('refuses malformed URNs with a message naming the field', async () => {
    for (const urn of ['customers', 'urn:pedigree:', 'urn:pedigree:widget:x', 'urn:pedigree:dataset:', 'urn:pedigree:dataset:has space', 'urn:other:dataset:x']) {
      const res = await app.gql(`query($urn: String!) { dataset(urn: $urn) { urn } }`, { urn });
      assert.equal(codeOf(res), 'BAD_USER_INPUT', urn);
      assert.match(res.errors![0].message, /urn/, urn);
    }
    const long = await app.gql(`query($urn: String!) { node(urn: $urn) { urn } }`, { urn: `urn:pedigree:dataset:${'x'.repeat(5000)}` });
    assert.equal(codeOf(long), 'BAD_USER_INPUT');
    const wrongKind = await app.gql(`query { dataset(urn: "urn:pedigree:model:m") { urn } }`);
    assert.equal(codeOf(wrongKind), 'BAD_USER_INPUT');
    assert.match(wrongKind.errors![0].message, /must be a dataset URN/);
  });

  it('refuses identifiers with whitespace, control characters or "@", and oversized fields', async () => {
    const before = await snapshot(app);
    const bad = [
      { namespace: 'postgres://w', name: 'has space' },
      { namespace: 'postgres://w', name: 'tab\there' },
      { namespace: 'postgres://w', name: 'nul\u0000' },
      { namespace: 'postgres://w', name: 'x@3' },
      { namespace: '', name: 'x' },
      { namespace: 'postgres://w', name: 'y'.repeat(501) },
      { namespace: 'postgres://w', name: 'ok', tags: ['not a tag'] },
      { namespace: 'postgres://w', name: 'ok', description: 'd'.repeat(10_001) },
      { namespace: 'postgres://w', name: 'ok', tags: Array.from({ length: 101 }, (_, i) => `t${i}`) },
    ];
    for (const input of bad) {
      const res = await app.gql(`mutation($input: RegisterDatasetInput!) { registerDataset(input: $input) { urn } }`, { input });
      assert.equal(codeOf(res), 'BAD_USER_INPUT', JSON.stringify(input).slice(0, 80));
      assert.ok(!/at \w+ \(|SELECT|INSERT/.test(res.errors![0].message), 'no stack or SQL in the message');
    }
    assert.equal(await snapshot(app), before);
  });

  it('refuses oversized or non-object properties with the limit in the message', async () => {
    const big = { blob: 'x'.repeat(70_000) };
    const res = await app.gql(`mutation($p: JSONObject) { registerDataset(input: { namespace: "n", name: "big", properties: $p }) { urn } }`, { p: big });
    assert.equal(codeOf(res), 'BAD_USER_INPUT');
    assert.match(res.errors![0].message, /limit is 65536 bytes/);
    for (const p of [[1, 2], 'text', 42]) {
      const r = await app.gql(`mutation($p: JSONObject) { registerDataset(input: { namespace: "n", name: "big", properties: $p }) { urn } }`, { p });
      assert.equal(codeOf(r), 'BAD_USER_INPUT', JSON.stringify(p));
    }
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 20; i++) deep = (deep.d = {}) as Record<string, unknown>;
    const d = await app.gql(`mutation($p: JSONObject) { registerDataset(input: { namespace: "n", name: "deep", properties: $p }) { urn } }`, { p: root });
    assert.equal(codeOf(d), 'BAD_USER_INPUT');
    assert.equal((await app.db.query(`SELECT 1 FROM node WHERE name IN ('big', 'deep')`)).length, 0);
  });

  it('refuses duplicate column names and out-of-range statistics', async () => {
    const ds = await dataset(app, 'public.cols');
    const before = await snapshot(app);
    const dup = await app.gql(`mutation($u: String!) { registerDatasetVersion(input: { datasetUrn: $u, columns: [{ name: "a", type: "int" }, { name: "a", type: "text" }] }) { urn } }`, { u: ds });
    assert.equal(codeOf(dup), 'BAD_USER_INPUT');
    assert.match(dup.errors![0].message, /"a" appears more than once/);
    const frac = await app.gql(`mutation($u: String!) { registerDatasetVersion(input: { datasetUrn: $u, statistics: { columns: [{ name: "a", nullFraction: 1.5 }] } }) { urn } }`, { u: ds });
    assert.equal(codeOf(frac), 'BAD_USER_INPUT');
    const neg = await app.gql(`mutation($u: String!) { registerDatasetVersion(input: { datasetUrn: $u, statistics: { rowCount: -1 } }) { urn } }`, { u: ds });
    assert.equal(codeOf(neg), 'BAD_USER_INPUT');
    assert.equal(await snapshot(app), before);
  });
});
