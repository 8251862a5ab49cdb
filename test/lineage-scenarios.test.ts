import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { codeOf, startTestApp, TestApp } from './support/harness';
import { codeVersion, dataset, datasetVersion, deployment, model, modelVersion, run, snapshot } from './support/catalog';

let app: TestApp;
const u: Record<string, string> = {};
const T = (d: string) => `2026-${d}T00:00:00.000Z`;

/** raw@1 feeds two preparation runs (a diamond) whose outputs train model@1, served by a deployment. */
before(async () => {
  app = await startTestApp();
  u.raw = await dataset(app, 'raw.transactions', { classifications: ['PII'] });
  u.raw1 = await datasetVersion(app, u.raw, { columns: [{ name: 'id', type: 'bigint' }, { name: 'amount', type: 'numeric' }] });
  u.fa = await dataset(app, 'features.a');
  u.fb = await dataset(app, 'features.b');
  u.code = await codeVersion(app, 'abcdef1234567', { path: 'train.py' });
  const jan = { startedAt: T('01-02'), endedAt: T('01-03'), status: 'COMPLETED' };
  u.prepA = await run(app, 'prep-a', { kind: 'DATA_PROCESSING', inputs: [u.raw1], ...jan });
  u.prepB = await run(app, 'prep-b', { kind: 'DATA_PROCESSING', inputs: [u.raw1], ...jan });
  u.fa1 = await datasetVersion(app, u.fa, { producedByRunUrn: u.prepA, columns: [{ name: 'customer_id', type: 'bigint' }, { name: 'spend', type: 'numeric' }] });
  u.fb1 = await datasetVersion(app, u.fb, { producedByRunUrn: u.prepB });
  await run(app, 'prep-a', {
    kind: 'DATA_PROCESSING',
    columnLineage: [
      { outputUrn: u.fa1, column: 'customer_id', inputs: [{ urn: u.raw1, column: 'id', transformation: 'IDENTITY' }] },
      { outputUrn: u.fa1, column: 'spend', inputs: [{ urn: u.raw1, column: 'amount', transformation: 'AGGREGATION: sum' }] },
    ],
  });
  u.train = await run(app, 'train-1', { inputs: [u.fa1, u.fb1], codeVersionUrn: u.code, ...jan });
  u.model = await model(app, 'churn');
  u.mv1 = await modelVersion(app, u.model, { trainedByRunUrn: u.train });
  u.mv2 = await modelVersion(app, u.model);
  u.dep = await deployment(app, 'churn-api');
  const revise = `mutation($i: ReviseDeploymentInput!) { reviseDeployment(input: $i) { urn } }`;
  await app.ok(revise, { i: { deploymentUrn: u.dep, validFrom: T('01-01'), traffic: [{ modelVersionUrn: u.mv1, trafficShare: 1 }] } });
  await app.ok(revise, { i: { deploymentUrn: u.dep, validFrom: T('03-01'), traffic: [{ modelVersionUrn: u.mv2, trafficShare: 1 }] } });
});
after(async () => app?.close());

const GRAPH = `query($urn: String!, $direction: LineageDirection, $depth: Int, $asOf: DateTime, $kinds: [NodeKind!]) {
  lineage(urn: $urn, direction: $direction, depth: $depth, asOf: $asOf, kinds: $kinds) {
    root { urn kind } nodes { urn kind depth direction } edges { from to kind validFrom validTo } truncated truncationReasons } }`;

const pairs = (edges: { from: string; to: string }[]) => edges.map((e) => `${e.from} -> ${e.to}`).sort();

describe('lineage of an ML pipeline', () => {
  it('returns every edge of a diamond, from the source data to the model version, with the code', async () => {
    const d = await app.ok(GRAPH, { urn: u.mv1, direction: 'UPSTREAM', depth: 10 });
    assert.deepEqual(pairs(d.lineage.edges), [
      `${u.code} -> ${u.train}`,
      `${u.fa1} -> ${u.train}`,
      `${u.fb1} -> ${u.train}`,
      `${u.prepA} -> ${u.fa1}`,
      `${u.prepB} -> ${u.fb1}`,
      `${u.raw1} -> ${u.prepA}`,
      `${u.raw1} -> ${u.prepB}`,
      `${u.train} -> ${u.mv1}`,
    ].sort());
    const depth = Object.fromEntries(d.lineage.nodes.map((n: any) => [n.urn, n.depth]));
    assert.deepEqual(depth, { [u.mv1]: 0, [u.train]: 1, [u.fa1]: 2, [u.fb1]: 2, [u.code]: 2, [u.prepA]: 3, [u.prepB]: 3, [u.raw1]: 4 });
    assert.equal(d.lineage.truncated, false);
    assert.deepEqual(d.lineage.root, { urn: u.mv1, kind: 'MODEL_VERSION' });
  });

  it('gives each node its typed entity', async () => {
    const d = await app.ok(`query($urn: String!) { lineage(urn: $urn, depth: 2) { nodes { urn entity { __typename
        ... on Run { runKind } ... on DatasetVersion { version } ... on CodeVersion { path } ... on ModelVersion { version } } } } }`, { urn: u.mv1 });
    const types = Object.fromEntries(d.lineage.nodes.map((n: any) => [n.urn, n.entity]));
    assert.deepEqual(types[u.train], { __typename: 'Run', runKind: 'TRAINING' });
    assert.deepEqual(types[u.fa1], { __typename: 'DatasetVersion', version: 1 });
    assert.deepEqual(types[u.code], { __typename: 'CodeVersion', path: 'train.py' });
    assert.deepEqual(types[u.mv1], { __typename: 'ModelVersion', version: 1 });
  });

  it('walks the graph as it stood: the deployment served model@1 in February and serves model@2 now', async () => {
    const feb = await app.ok(GRAPH, { urn: u.dep, direction: 'UPSTREAM', depth: 1, asOf: T('02-01') });
    assert.deepEqual(pairs(feb.lineage.edges), [`${u.mv1} -> ${u.dep}`]);
    const now = await app.ok(GRAPH, { urn: u.dep, direction: 'UPSTREAM', depth: 1 });
    assert.deepEqual(pairs(now.lineage.edges), [`${u.mv2} -> ${u.dep}`]);
    const before = await app.ok(GRAPH, { urn: u.dep, direction: 'UPSTREAM', depth: 1, asOf: '2025-06-01T00:00:00Z' });
    assert.deepEqual(before.lineage.edges, []);
    const future = await app.ok(GRAPH, { urn: u.dep, direction: 'UPSTREAM', depth: 1, asOf: '2030-01-01T00:00:00Z' });
    assert.deepEqual(pairs(future.lineage.edges), [`${u.mv2} -> ${u.dep}`]);
    const servedFeb = (await app.ok(GRAPH, { urn: u.raw1, direction: 'DOWNSTREAM', depth: 10, asOf: T('02-01') })).lineage.nodes.map((n: any) => n.urn);
    assert.ok(servedFeb.includes(u.dep), 'in February the raw data reached the deployment through model@1');
    // Run edges date from the run's times: on New Year's Day nothing had been read or written yet.
    const newYear = await app.ok(GRAPH, { urn: u.raw1, direction: 'DOWNSTREAM', depth: 10, asOf: T('01-01') });
    assert.deepEqual(newYear.lineage.edges, []);
    const readNotWritten = await app.ok(GRAPH, { urn: u.raw1, direction: 'DOWNSTREAM', depth: 10, asOf: '2026-01-02T12:00:00Z' });
    assert.deepEqual(pairs(readNotWritten.lineage.edges), [`${u.raw1} -> ${u.prepA}`, `${u.raw1} -> ${u.prepB}`].sort());
  });

  it('filters returned nodes by kind while walking through every kind', async () => {
    const d = await app.ok(GRAPH, { urn: u.mv1, direction: 'UPSTREAM', depth: 10, kinds: ['DATASET_VERSION'] });
    assert.deepEqual(d.lineage.nodes.map((n: any) => n.urn).sort(), [u.mv1, u.fa1, u.fb1, u.raw1].sort());
    assert.deepEqual(d.lineage.edges, [], 'edges are kept only between returned nodes');
  });

  it('walks a dataset (unversioned) from all its versions, and both directions at once', async () => {
    const d = await app.ok(GRAPH, { urn: u.raw, direction: 'DOWNSTREAM', depth: 3 });
    assert.deepEqual(d.lineage.root, { urn: u.raw, kind: 'DATASET' });
    const at = Object.fromEntries(d.lineage.nodes.map((n: any) => [n.urn, n.depth]));
    assert.equal(at[u.raw], 0);
    assert.equal(at[u.raw1], 0);
    assert.equal(at[u.train], 3);
    const both = await app.ok(GRAPH, { urn: u.train, direction: 'BOTH', depth: 1 });
    const dirs = Object.fromEntries(both.lineage.nodes.map((n: any) => [n.urn, n.direction]));
    assert.deepEqual(dirs, { [u.train]: 'BOTH', [u.fa1]: 'UPSTREAM', [u.fb1]: 'UPSTREAM', [u.code]: 'UPSTREAM', [u.mv1]: 'DOWNSTREAM' });
  });
});

describe('paths', () => {
  const PATH = `query($a: String!, $b: String!, $max: Int) { path(fromUrn: $a, toUrn: $b, maxDepth: $max) { paths { urn } edges { from to } truncated } }`;

  it('returns both shortest routes through a diamond, upstream first, whichever order the ends are given in', async () => {
    for (const [a, b] of [[u.raw1, u.mv1], [u.mv1, u.raw1]]) {
      const d = await app.ok(PATH, { a, b, max: 10 });
      const routes = d.path.paths.map((p: any[]) => p.map((n) => n.urn));
      assert.deepEqual(routes.sort(), [
        [u.raw1, u.prepA, u.fa1, u.train, u.mv1],
        [u.raw1, u.prepB, u.fb1, u.train, u.mv1],
      ].sort());
      assert.equal(d.path.edges.length, 7);
    }
  });

  it('is empty when the ends are not connected within maxDepth', async () => {
    assert.deepEqual((await app.ok(PATH, { a: u.raw1, b: u.mv1, max: 3 })).path, { paths: [], edges: [], truncated: false });
    assert.deepEqual((await app.ok(PATH, { a: u.fa1, b: u.fb1, max: 10 })).path.paths, []);
  });
});

describe('impact', () => {
  it('groups everything downstream by kind and reports the serving windows after since', async () => {
    const d = await app.ok(`query($urn: String!, $since: DateTime) { impact(urn: $urn, since: $since) {
        root { urn } groups { kind count nodes { urn } } truncated
        deployments { deployment { urn } windows { modelVersion { urn } trafficShare from to predictionCount } } } }`,
      { urn: u.raw1, since: T('02-01') });
    const counts = Object.fromEntries(d.impact.groups.map((g: any) => [g.kind, g.count]));
    assert.deepEqual(counts, { RUN: 3, DATASET_VERSION: 2, MODEL_VERSION: 1 });
    // model@1 stopped serving on 03-01, so the current graph no longer reaches the deployment from raw@1;
    // as the history shows, the window still overlaps `since` — ask from the model version directly.
    const mv = await app.ok(`query($urn: String!, $since: DateTime) { impact(urn: $urn, since: $since) {
        deployments { deployment { urn } windows { modelVersion { urn } trafficShare from to predictionCount } } } }`,
      { urn: u.mv2, since: T('02-01') });
    assert.deepEqual(mv.impact.deployments, [{
      deployment: { urn: u.dep },
      windows: [{ modelVersion: { urn: u.mv2 }, trafficShare: 1, from: T('03-01'), to: null, predictionCount: 0 }],
    }]);
  });
});

describe('column lineage', () => {
  const COLS = `query($urn: String!, $col: String!, $dir: LineageDirection) { columnLineage(datasetVersionUrn: $urn, column: $col, direction: $dir) {
      root { urn column } columns { urn column depth } edges { from { urn column } to { urn column } run transformation } truncated } }`;

  it('follows an output column to the input columns it came from, and back', async () => {
    const up = await app.ok(COLS, { urn: u.fa1, col: 'spend', dir: 'UPSTREAM' });
    assert.deepEqual(up.columnLineage.columns, [{ urn: u.fa1, column: 'spend', depth: 0 }, { urn: u.raw1, column: 'amount', depth: 1 }]);
    assert.deepEqual(up.columnLineage.edges, [{
      from: { urn: u.raw1, column: 'amount' }, to: { urn: u.fa1, column: 'spend' }, run: u.prepA, transformation: 'AGGREGATION: sum',
    }]);
    const down = await app.ok(COLS, { urn: u.raw1, col: 'id', dir: 'DOWNSTREAM' });
    assert.deepEqual(down.columnLineage.columns.map((c: any) => [c.urn, c.column]), [[u.raw1, 'id'], [u.fa1, 'customer_id']]);
    const none = await app.ok(COLS, { urn: u.fb1, col: 'x', dir: 'BOTH' });
    assert.deepEqual(none.columnLineage.edges, []);
  });
});

describe('lineage bad input', () => {
  it('answers unknown URNs with NOT_FOUND and out-of-range depth or limit with BAD_USER_INPUT', async () => {
    const q = (args: string) => app.gql(`{ lineage(${args}) { truncated } }`);
    assert.equal(codeOf(await q(`urn: "urn:pedigree:run:ghost"`)), 'NOT_FOUND');
    for (const args of ['depth: 0', 'depth: -1', 'depth: 51', 'limit: 0', 'limit: 10001', 'direction: SIDEWAYS', 'kinds: [WIDGET]']) {
      const res = await q(`urn: "${u.mv1}", ${args}`);
      assert.equal(codeOf(res), 'BAD_USER_INPUT', args);
    }
    assert.match((await q(`urn: "${u.mv1}", depth: 51`)).errors![0].message, /depth must be between 1 and 50/);
    assert.equal(codeOf(await q(`urn: "not a urn"`)), 'BAD_USER_INPUT');
    assert.equal(codeOf(await app.gql(`{ path(fromUrn: "${u.mv1}", toUrn: "urn:pedigree:run:ghost") { truncated } }`)), 'NOT_FOUND');
    assert.equal(codeOf(await app.gql(`{ impact(urn: "urn:pedigree:run:ghost") { truncated } }`)), 'NOT_FOUND');
    assert.equal(codeOf(await app.gql(`{ columnLineage(datasetVersionUrn: "${u.mv1}", column: "a") { truncated } }`)), 'BAD_USER_INPUT');
  });

  it('refuses column lineage that names unknown or wrong-kind nodes, storing nothing', async () => {
    const before = await snapshot(app);
    const links = (await app.db.query(`SELECT 1 FROM column_lineage`)).length;
    for (const [code, columnLineage] of [
      ['NOT_FOUND', [{ outputUrn: `${u.fa}@9`, column: 'x', inputs: [{ urn: u.raw1, column: 'id' }] }]],
      ['BAD_USER_INPUT', [{ outputUrn: u.fa1, column: 'x', inputs: [{ urn: u.raw, column: 'id' }] }]],
      ['BAD_USER_INPUT', [{ outputUrn: u.fa1, column: '', inputs: [] }]],
    ] as const) {
      const res = await app.gql(`mutation($i: RegisterRunInput!) { registerRun(input: $i) { urn } }`, { i: { runId: 'prep-a', kind: 'DATA_PROCESSING', columnLineage } });
      assert.equal(codeOf(res), code, JSON.stringify(columnLineage));
    }
    assert.equal((await app.db.query(`SELECT 1 FROM column_lineage`)).length, links);
    assert.equal(await snapshot(app), before);
  });
});
