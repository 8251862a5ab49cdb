import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { codeOf, startTestApp, TestApp } from './support/harness';
import { dataset, snapshot } from './support/catalog';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(async () => app?.close());

describe('hostile input', () => {
  it('stores SQL-looking, markup and non-Latin text verbatim and runs none of it', async () => {
    const text = `Robert'); DROP TABLE node;-- <script>alert(1)</script> 顧客 🚀 \\ " \``;
    const urn = await dataset(app, `weird.'";--name`, { description: text, properties: { note: text, "key'; --": 1 } });
    const d = await app.ok(`query($u: String!) { dataset(urn: $u) { name description properties } }`, { u: urn });
    assert.deepEqual(d.dataset, { name: `weird.'";--name`, description: text, properties: { note: text, "key'; --": 1 } });
    const found = await app.ok(`query($p: String) { datasets(filter: { namePrefix: $p }) { edges { node { urn } } } }`, { p: `weird.'";` });
    assert.equal(found.datasets.edges.length, 1);
    assert.equal((await app.db.query(`SELECT 1 FROM node`)).length > 0, true, 'the node table is still there');
  });

  it('refuses "__proto__", "constructor" and "prototype" keys instead of silently dropping them', async () => {
    const before = await snapshot(app);
    for (const raw of ['{"__proto__": {"polluted": true}}', '{"a": {"constructor": {"prototype": {"x": 1}}}}', '{"prototype": 1}']) {
      const res = await app.gql(`mutation($p: JSONObject) { registerDataset(input: { namespace: "n", name: "proto", properties: $p }) { urn } }`,
        { p: JSON.parse(raw) });
      assert.equal(codeOf(res), 'BAD_USER_INPUT', raw);
      assert.match(res.errors![0].message, /reserved/);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(await snapshot(app), before);
  });

  it('refuses oversized lists and strings everywhere they are accepted, storing nothing', async () => {
    const before = await snapshot(app);
    const many = Array.from({ length: 1001 }, (_, i) => `urn:pedigree:dataset:x/y@${i + 1}`);
    const cases: [string, Record<string, unknown>][] = [
      [`mutation($i: RegisterRunInput!) { registerRun(input: $i) { urn } }`, { i: { runId: 'r', kind: 'TRAINING', inputs: many } }],
      [`mutation($i: RegisterRunInput!) { registerRun(input: $i) { urn } }`, { i: { runId: 'r'.repeat(301), kind: 'TRAINING' } }],
      [`mutation($i: AddToContextInput!) { addToContext(input: $i) { urn } }`, { i: { contextUrn: 'urn:pedigree:context:experiment/x', memberUrns: many } }],
      [`mutation($i: AddToContextInput!) { addToContext(input: $i) { urn } }`, { i: { contextUrn: 'urn:pedigree:context:experiment/x', memberUrns: [] } }],
      [`mutation($i: RegisterDatasetVersionInput!) { registerDatasetVersion(input: $i) { urn } }`,
        { i: { datasetUrn: 'urn:pedigree:dataset:x/y', columns: Array.from({ length: 5001 }, (_, k) => ({ name: `c${k}`, type: 'int' })) } }],
      [`mutation($i: RegisterCodeVersionInput!) { registerCodeVersion(input: $i) { urn } }`, { i: { repositoryUrl: 'https://x', commitSha: 'not-hex' } }],
      [`mutation($i: RegisterCodeVersionInput!) { registerCodeVersion(input: $i) { urn } }`, { i: { repositoryUrl: 'https://x y', commitSha: 'abcdef1' } }],
      [`mutation($i: RegisterFeatureViewInput!) { registerFeatureView(input: $i) { urn } }`, { i: { name: 'v', entities: Array.from({ length: 21 }, (_, k) => `e${k}`), features: [] } }],
      [`mutation($i: RegisterDeploymentInput!) { registerDeployment(input: $i) { urn } }`, { i: { name: 'd@1' } }],
      [`mutation($i: RegisterContextInput!) { registerContext(input: $i) { urn } }`, { i: { contextKind: 'TEAM', name: 'x' } }],
      [`mutation($i: RegisterModelVersionInput!) { registerModelVersion(input: $i) { urn } }`, { i: { modelUrn: 'urn:pedigree:model:m', metrics: { blob: 'x'.repeat(70_000) } } }],
      [`mutation($i: CreatePrincipalInput!) { createPrincipal(input: $i) { id } }`, { i: { name: 'has space', kind: 'USER' } }],
      [`mutation($i: CreatePrincipalInput!) { createPrincipal(input: $i) { id } }`, { i: { name: 'ok', kind: 'USER', roles: ['ROOT'] } }],
      [`mutation($id: String!) { revokeApiKey(id: $id) { id } }`, { id: "1 OR 1=1" }],
    ];
    for (const [query, variables] of cases) {
      const res = await app.gql(query, variables);
      assert.equal(codeOf(res), 'BAD_USER_INPUT', `${query.slice(0, 60)} ${JSON.stringify(variables).slice(0, 80)}: ${JSON.stringify(res.errors)?.slice(0, 200)}`);
    }
    const unknownKey = await app.gql(`mutation { revokeApiKey(id: "999999") { id } }`);
    assert.equal(codeOf(unknownKey), 'NOT_FOUND');
    const unknownPrincipal = await app.gql(`mutation { createApiKey(input: { principalName: "nobody", name: "k" }) { key } }`);
    assert.equal(codeOf(unknownPrincipal), 'NOT_FOUND');
    assert.equal(await snapshot(app), before);
  });
});
