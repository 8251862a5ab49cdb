import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { codeOf, issueKey, startTestApp, TestApp } from './support/harness';
import { codeVersion, dataset, datasetVersion, model, modelVersion, promote, run, sha, snapshot } from './support/catalog';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(async () => app?.close());

describe('models and model versions', () => {
  it('registers versions with artifact, framework, signature, metrics and params', async () => {
    const m = await model(app, 'credit-risk', { ownerTeam: 'risk', domain: 'lending' });
    assert.equal(m, 'urn:pedigree:model:credit-risk');
    const v = await modelVersion(app, m, {
      artifactUri: 'file:///models/credit-risk/1/model.onnx',
      artifactSha256: sha('credit-1').toUpperCase(),
      framework: 'onnx',
      signature: { inputs: [{ name: 'x', dtype: 'float32', shape: [-1, 12] }], outputs: [{ name: 'p', dtype: 'float32', shape: [-1, 1] }] },
      metrics: { auc: 0.91 },
      params: { lr: 0.01, depth: 6 },
    });
    assert.equal(v, `${m}@1`);
    const d = await app.ok(`query($u: String!) { modelVersion(urn: $u) { version artifactUri artifactSha256 framework stage ownerTeam
        signature { inputs { name dtype shape } outputs { name dtype shape } } metrics params model { urn latestVersion { urn } } } }`, { u: v });
    assert.deepEqual(d.modelVersion, {
      version: 1,
      artifactUri: 'file:///models/credit-risk/1/model.onnx',
      artifactSha256: sha('credit-1'),
      framework: 'onnx',
      stage: 'NONE',
      ownerTeam: 'risk',
      signature: { inputs: [{ name: 'x', dtype: 'float32', shape: [-1, 12] }], outputs: [{ name: 'p', dtype: 'float32', shape: [-1, 1] }] },
      metrics: { auc: 0.91 },
      params: { lr: 0.01, depth: 6 },
      model: { urn: m, latestVersion: { urn: v } },
    });
    // The same artifact hash returns the same version; a new one gets the next number.
    assert.equal(await modelVersion(app, m, { artifactSha256: sha('credit-1') }), v);
    assert.equal(await modelVersion(app, m, { artifactSha256: sha('credit-2') }), `${m}@2`);
  });

  it('allows one production version: a second approved claim is a CONFLICT that changes nothing', async () => {
    const m = await model(app, 'fraud');
    const v1 = await modelVersion(app, m);
    const v2 = await modelVersion(app, m);
    assert.equal(codeOf(await promote(app, v1)), undefined);
    const before = await snapshot(app);
    const second = await promote(app, v2);
    assert.equal(codeOf(second), 'CONFLICT');
    assert.match(second.errors![0].message, /fraud@1 is already in production/);
    assert.equal(await snapshot(app), before);
    // The refused approval left its request pending; deny it, then ask again archiving the current one.
    const pending = await app.ok(`query($v: String!) { modelVersion(urn: $v) { stageRequests { id status } } }`, { v: v2 });
    assert.deepEqual(pending.modelVersion.stageRequests.map((r: any) => r.status), ['PENDING']);
    await app.ok(`mutation($id: ID!) { decideStageChange(id: $id, approve: false, note: "retry with archive") { status } }`, {
      id: pending.modelVersion.stageRequests[0].id,
    }, await issueKey(app, 'denier', ['ADMIN']));
    assert.equal(codeOf(await promote(app, v2, { archiveExisting: true })), undefined);
    const d = await app.ok(`query($m: String!) { model(urn: $m) { versions { edges { node { version stage } } } } }`, { m });
    assert.deepEqual(d.model.versions.edges.map((e: any) => e.node), [
      { version: 1, stage: 'ARCHIVED' },
      { version: 2, stage: 'PRODUCTION' },
    ]);
    const prod = await app.ok(`query($m: String!) { model(urn: $m) { versions(stage: PRODUCTION) { edges { node { version } } } } }`, { m });
    assert.deepEqual(prod.model.versions.edges, [{ node: { version: 2 } }]);
  });

  it('two concurrent approved production claims leave exactly one production version', async () => {
    const m = await model(app, 'race');
    const vs = await Promise.all([modelVersion(app, m), modelVersion(app, m)]);
    const results = await Promise.all(vs.map((urn) => promote(app, urn)));
    assert.deepEqual(results.map(codeOf).sort(), ['CONFLICT', undefined].sort());
    const rows = await app.db.query(`SELECT 1 FROM model_version v JOIN node n ON n.id = v.id WHERE n.urn LIKE 'urn:pedigree:model:race@%' AND stage = 'production'`);
    assert.equal(rows.length, 1);
  });

  it('four eyes: production only through a request another principal with approve decides; the record stays', async () => {
    const m = await model(app, 'credit-4eyes', { ownerTeam: 'risk' });
    const v = await modelVersion(app, m);
    const direct = await app.gql(`mutation($u: String!) { setModelVersionStage(input: { urn: $u, stage: PRODUCTION }) { stage } }`, { u: v });
    assert.equal(codeOf(direct), 'CONFLICT');
    assert.match(direct.errors![0].message, /needs four eyes: call requestStageChange/);
    // Other stages need no approval.
    assert.equal((await app.ok(`mutation($u: String!) { setModelVersionStage(input: { urn: $u, stage: STAGING }) { stage } }`, { u: v }))
      .setModelVersionStage.stage, 'STAGING');
    const requester = await issueKey(app, 'ml-engineer', ['WRITER'], ['risk']);
    const asked = await app.ok(`mutation($u: String!) { requestStageChange(input: { urn: $u, stage: PRODUCTION, reason: "AUC 0.91 on holdout" }) { id status requestedBy } }`,
      { u: v }, requester);
    assert.deepEqual({ ...asked.requestStageChange, id: undefined }, { id: undefined, status: 'PENDING', requestedBy: 'ml-engineer' });
    const again = await app.gql(`mutation($u: String!) { requestStageChange(input: { urn: $u, stage: PRODUCTION, reason: "again" }) { id } }`, { u: v }, requester);
    assert.equal(codeOf(again), 'CONFLICT', 'one pending request per version and stage');
    const decide = `mutation($id: ID!) { decideStageChange(id: $id, approve: true) { status decidedBy } }`;
    // The requester cannot approve, even holding approve (an admin policy for them).
    await app.ok(`mutation { putAccessPolicy(input: { name: "eng-approve", effect: ALLOW, actions: [APPROVE], principals: ["ml-engineer"] }) { id } }`);
    const self = await app.gql(decide, { id: asked.requestStageChange.id }, requester);
    assert.equal(codeOf(self), 'FORBIDDEN');
    assert.match(self.errors![0].message, /Four eyes/);
    // A writer without approve cannot decide either.
    const writer = await issueKey(app, 'other-writer', ['WRITER'], ['risk']);
    assert.equal(codeOf(await app.gql(decide, { id: asked.requestStageChange.id }, writer)), 'FORBIDDEN');
    const reviewer = await issueKey(app, 'model-risk', ['READER'], ['mrm']);
    await app.ok(`mutation { putAccessPolicy(input: { name: "mrm-approve", effect: ALLOW, actions: [APPROVE], teams: ["mrm"], kinds: [MODEL_VERSION] }) { id } }`);
    assert.deepEqual((await app.ok(decide, { id: asked.requestStageChange.id }, reviewer)).decideStageChange, { status: 'APPROVED', decidedBy: 'model-risk' });
    const after = await app.ok(`query($u: String!) { modelVersion(urn: $u) { stage stageRequests { stage requestedBy decidedBy status reason } } }`, { u: v });
    assert.equal(after.modelVersion.stage, 'PRODUCTION');
    assert.deepEqual(after.modelVersion.stageRequests, [
      { stage: 'PRODUCTION', requestedBy: 'ml-engineer', decidedBy: 'model-risk', status: 'APPROVED', reason: 'AUC 0.91 on holdout' },
    ]);
    const twice = await app.gql(decide, { id: asked.requestStageChange.id }, reviewer);
    assert.equal(codeOf(twice), 'CONFLICT');
    // The database itself refuses a decision by the requester.
    await assert.rejects(app.db.query(`UPDATE stage_request SET decided_by = requester`), /stage_request_check|check constraint/);
  });

  it('refuses bad versions: unknown model, bad hash, unknown stage, "@" in names', async () => {
    const before = await snapshot(app);
    const cases: [string, Record<string, unknown>][] = [
      ['NOT_FOUND', { modelUrn: 'urn:pedigree:model:ghost' }],
      ['BAD_USER_INPUT', { modelUrn: 'urn:pedigree:model:credit-risk', artifactSha256: 'abc' }],
      ['BAD_USER_INPUT', { modelUrn: 'urn:pedigree:dataset:x/y' }],
      ['BAD_USER_INPUT', { modelUrn: 'urn:pedigree:model:credit-risk', signature: { inputs: [{ name: 'x', dtype: 'f', shape: [-2] }], outputs: [] } }],
    ];
    for (const [code, input] of cases) {
      const res = await app.gql(`mutation($i: RegisterModelVersionInput!) { registerModelVersion(input: $i) { urn } }`, { i: input });
      assert.equal(codeOf(res), code, JSON.stringify(input));
    }
    const stage = await app.gql(`mutation { setModelVersionStage(input: { urn: "urn:pedigree:model:credit-risk@1", stage: LIVE }) { urn } }`);
    assert.equal(codeOf(stage), 'BAD_USER_INPUT');
    const name = await app.gql(`mutation { registerModel(input: { name: "m@2" }) { urn } }`);
    assert.equal(codeOf(name), 'BAD_USER_INPUT');
    assert.equal(await snapshot(app), before);
  });
});

describe('runs', () => {
  it('records inputs, outputs and code as lineage edges, with compute and parent', async () => {
    const raw = await datasetVersion(app, await dataset(app, 'raw.events'));
    const code = await codeVersion(app, 'a1b2c3d4e5f6', { path: 'train.py', branch: 'main', author: 'ada', committedAt: '2026-11-01T10:00:00Z' });
    const parent = await run(app, 'pipeline-42', { kind: 'PIPELINE_STEP' });
    const m = await model(app, 'churn');
    const r = await run(app, 'train-42', {
      status: 'COMPLETED',
      startedAt: '2026-11-02T00:00:00Z',
      endedAt: '2026-11-02T03:00:00Z',
      params: { epochs: 10 },
      metrics: { loss: 0.2 },
      compute: { gpuType: 'NVIDIA H100', gpuCount: 8, gpuHours: 24, energyKwh: 16.8 },
      parentRunUrn: parent,
      codeVersionUrn: code,
      inputs: [raw],
    });
    const mv = await modelVersion(app, m, { trainedByRunUrn: r });
    const d = await app.ok(`query($u: String!) { run(urn: $u) { runId runKind status startedAt endedAt params metrics
        compute { gpuType gpuCount gpuHours energyKwh } parent { urn } codeVersion { urn repositoryUrl commitSha path branch author committedAt runs { urn } }
        inputs { urn kind } outputs { urn __typename } } }`, { u: r });
    assert.deepEqual(d.run, {
      runId: 'train-42',
      runKind: 'TRAINING',
      status: 'COMPLETED',
      startedAt: '2026-11-02T00:00:00.000Z',
      endedAt: '2026-11-02T03:00:00.000Z',
      params: { epochs: 10 },
      metrics: { loss: 0.2 },
      compute: { gpuType: 'NVIDIA H100', gpuCount: 8, gpuHours: 24, energyKwh: 16.8 },
      parent: { urn: parent },
      codeVersion: {
        urn: code,
        repositoryUrl: 'https://github.com/acme/models',
        commitSha: 'a1b2c3d4e5f6',
        path: 'train.py',
        branch: 'main',
        author: 'ada',
        committedAt: '2026-11-01T10:00:00.000Z',
        runs: [{ urn: r }],
      },
      inputs: [{ urn: raw, kind: 'DATASET_VERSION' }],
      outputs: [{ urn: mv, __typename: 'ModelVersion' }],
    });
    const edges = await app.db.query<{ kind: string }>(
      `SELECT e.kind FROM edge e JOIN node n ON n.id IN (e.from_node, e.to_node) WHERE n.urn = $1 ORDER BY e.kind`, [r]);
    assert.deepEqual(edges.map((e) => e.kind), ['CODE', 'INPUT', 'OUTPUT']);
  });

  it('merges repeated and out-of-order registrations: final status wins, first start time kept, params merged, edges not duplicated', async () => {
    const input = await datasetVersion(app, await dataset(app, 'raw.clicks'));
    await run(app, 'ooo-1', { status: 'COMPLETED', endedAt: '2026-11-03T02:00:00Z', metrics: { acc: 0.9 }, inputs: [input] });
    await run(app, 'ooo-1', { status: 'RUNNING', startedAt: '2026-11-03T00:00:00Z', params: { lr: 0.1 }, inputs: [input] });
    await run(app, 'ooo-1', { status: 'RUNNING', startedAt: '2026-11-03T01:00:00Z', inputs: [input] });
    const d = await app.ok(`{ run(urn: "urn:pedigree:run:ooo-1") { status startedAt endedAt params metrics inputs { urn } } }`);
    assert.deepEqual(d.run, {
      status: 'COMPLETED',
      startedAt: '2026-11-03T00:00:00.000Z',
      endedAt: '2026-11-03T02:00:00.000Z',
      params: { lr: 0.1 },
      metrics: { acc: 0.9 },
      inputs: [{ urn: input }],
    });
  });

  it('refuses outputs and inputs that do not exist or are of the wrong kind, storing nothing', async () => {
    const ds = await dataset(app, 'raw.unversioned');
    const m = await model(app, 'kinds');
    const before = await snapshot(app);
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['NOT_FOUND', { outputs: ['urn:pedigree:dataset:postgres://warehouse/raw.unversioned@99'] }, /outputs\[0\]/],
      ['BAD_USER_INPUT', { inputs: [ds] }, /name a version/],
      ['BAD_USER_INPUT', { outputs: [m] }, /expected dataset_version or model_version/],
      ['NOT_FOUND', { parentRunUrn: 'urn:pedigree:run:ghost' }, /parentRunUrn/],
      ['BAD_USER_INPUT', { parentRunUrn: 'urn:pedigree:run:bad-1' }, /itself/],
      ['BAD_USER_INPUT', { codeVersionUrn: ds }, /code/],
      ['BAD_USER_INPUT', { startedAt: '2026-11-03T02:00:00Z', endedAt: '2026-11-03T01:00:00Z' }, /before/],
      ['BAD_USER_INPUT', { compute: { gpuCount: -1 } }, /gpuCount/],
      ['BAD_USER_INPUT', { inputs: ['not-a-urn'] }, /inputs\[0\]/],
    ];
    for (const [code, extra, message] of cases) {
      const res = await app.gql(`mutation($i: RegisterRunInput!) { registerRun(input: $i) { urn } }`, { i: { runId: 'bad-1', kind: 'TRAINING', ...extra } });
      assert.equal(codeOf(res), code, JSON.stringify(extra));
      assert.match(res.errors![0].message, message, JSON.stringify(extra));
    }
    const kind = await app.gql(`mutation { registerRun(input: { runId: "x", kind: SOMETHING }) { urn } }`);
    assert.equal(codeOf(kind), 'BAD_USER_INPUT');
    assert.equal(await snapshot(app), before);
  });

  it('refuses changing the kind of an existing run and keeps the stored one', async () => {
    await run(app, 'kind-fixed', { kind: 'EVALUATION', params: { a: 1 } });
    const res = await app.gql(`mutation { registerRun(input: { runId: "kind-fixed", kind: TRAINING, params: { a: 2 } }) { urn } }`);
    assert.equal(codeOf(res), 'BAD_USER_INPUT');
    const d = await app.ok(`{ run(urn: "urn:pedigree:run:kind-fixed") { runKind params } }`);
    assert.deepEqual(d.run, { runKind: 'EVALUATION', params: { a: 1 } });
  });

  it('lists runs by kind and status', async () => {
    await run(app, 'list-eval', { kind: 'EVALUATION', status: 'FAILED' });
    const d = await app.ok(`{ runs(runKind: EVALUATION, status: FAILED) { edges { node { runId } } } }`);
    assert.deepEqual(d.runs.edges.map((e: any) => e.node.runId), ['list-eval']);
  });
});
