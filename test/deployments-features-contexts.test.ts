import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { codeOf, startTestApp, TestApp } from './support/harness';
import { dataset, datasetVersion, deployment, model, modelVersion, run, snapshot } from './support/catalog';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(async () => app?.close());

const REVISE = `mutation($i: ReviseDeploymentInput!) { reviseDeployment(input: $i) { urn currentRevisions { trafficShare modelVersion { urn } } } }`;

describe('deployments', () => {
  it('keeps an append-only revision history with traffic shares, and SERVES edges that follow it', async () => {
    const m = await model(app, 'ranker');
    const [v1, v2] = [await modelVersion(app, m), await modelVersion(app, m)];
    const dep = await deployment(app, 'search-api', { environment: 'production', ownerTeam: 'search' });
    const t0 = '2026-11-01T00:00:00.000Z';
    const t1 = '2026-11-05T00:00:00.000Z';
    const t2 = '2026-11-10T00:00:00.000Z';
    await app.ok(REVISE, { i: { deploymentUrn: dep, validFrom: t0, traffic: [{ modelVersionUrn: v1, trafficShare: 1 }] } });
    const canary = await app.ok(REVISE, {
      i: { deploymentUrn: dep, validFrom: t1, traffic: [{ modelVersionUrn: v1, trafficShare: 0.9 }, { modelVersionUrn: v2, trafficShare: 0.1 }] },
    });
    assert.deepEqual(
      canary.reviseDeployment.currentRevisions.map((r: any) => [r.modelVersion.urn, r.trafficShare]).sort(),
      [[v1, 0.9], [v2, 0.1]],
    );
    await app.ok(REVISE, { i: { deploymentUrn: dep, validFrom: t2, traffic: [{ modelVersionUrn: v2, trafficShare: 1 }] } });
    const d = await app.ok(`query($u: String!) { deployment(urn: $u) { environment ownerTeam
        revisions { modelVersion { urn } trafficShare validFrom validTo } currentRevisions { modelVersion { urn } } } }`, { u: dep });
    assert.equal(d.deployment.environment, 'production');
    assert.deepEqual(d.deployment.revisions.map((r: any) => [r.modelVersion.urn, r.trafficShare, r.validFrom, r.validTo]), [
      [v1, 1, t0, t1],
      [v1, 0.9, t1, t2],
      [v2, 0.1, t1, t2],
      [v2, 1, t2, null],
    ].sort((a, b) => String(a[2]).localeCompare(String(b[2])) || 0));
    assert.deepEqual(d.deployment.currentRevisions, [{ modelVersion: { urn: v2 } }]);
    // v1 stopped serving at t2: its SERVES edge is closed then, v2's is open since t1.
    const edges = await app.db.query<{ urn: string; validFrom: Date; validTo: Date | null }>(
      `SELECT n.urn, e.valid_from AS "validFrom", e.valid_to AS "validTo" FROM edge e JOIN node n ON n.id = e.from_node
        WHERE e.kind = 'SERVES' AND e.to_node = (SELECT id FROM node WHERE urn = $1) ORDER BY n.urn`, [dep]);
    assert.deepEqual(edges.map((e) => [e.urn, e.validFrom.toISOString(), e.validTo?.toISOString() ?? null]), [
      [v1, t0, t2],
      [v2, t1, null],
    ]);
    const served = await app.ok(`query($u: String!) { modelVersion(urn: $u) { deployments { urn } } }`, { u: v2 });
    assert.deepEqual(served.modelVersion.deployments, [{ urn: dep }]);
    // Re-sending the current split is idempotent: no new revision.
    const n = (await app.db.query(`SELECT 1 FROM deployment_revision`)).length;
    await app.ok(REVISE, { i: { deploymentUrn: dep, traffic: [{ modelVersionUrn: v2, trafficShare: 1 }] } });
    assert.equal((await app.db.query(`SELECT 1 FROM deployment_revision`)).length, n);
  });

  it('refuses bad revisions and changes nothing', async () => {
    const m = await model(app, 'scorer');
    const v = await modelVersion(app, m);
    const dep = await deployment(app, 'score-api');
    await app.ok(REVISE, { i: { deploymentUrn: dep, validFrom: '2026-11-10T00:00:00Z', traffic: [{ modelVersionUrn: v, trafficShare: 1 }] } });
    const before = await snapshot(app);
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['BAD_USER_INPUT', { traffic: [{ modelVersionUrn: v, trafficShare: 0.7 }, { modelVersionUrn: `${m}@1`, trafficShare: 0.7 }] }, /more than once|add up/],
      ['BAD_USER_INPUT', { traffic: [{ modelVersionUrn: v, trafficShare: 1.5 }] }, /trafficShare/],
      ['BAD_USER_INPUT', { traffic: [{ modelVersionUrn: v, trafficShare: 0 }] }, /trafficShare/],
      ['NOT_FOUND', { traffic: [{ modelVersionUrn: `${m}@9`, trafficShare: 1 }] }, /scorer@9/],
      ['BAD_USER_INPUT', { traffic: [{ modelVersionUrn: m, trafficShare: 1 }] }, /model_version/],
      ['CONFLICT', { validFrom: '2026-11-01T00:00:00Z', traffic: [] }, /append-only/],
    ];
    for (const [code, extra, message] of cases) {
      const res = await app.gql(REVISE, { i: { deploymentUrn: dep, ...extra } });
      assert.equal(codeOf(res), code, JSON.stringify(extra));
      assert.match(res.errors![0].message, message);
    }
    const unknown = await app.gql(REVISE, { i: { deploymentUrn: 'urn:pedigree:deployment:ghost', traffic: [] } });
    assert.equal(codeOf(unknown), 'NOT_FOUND');
    assert.equal(await snapshot(app), before);
  });
});

describe('feature views', () => {
  it('registers features with join keys and a source dataset (SOURCE edge), adding features on re-registration', async () => {
    const src = await dataset(app, 'features.customers_daily');
    const reg = `mutation($i: RegisterFeatureViewInput!) { registerFeatureView(input: $i) { urn entities features { name dtype description } sourceDataset { urn } } }`;
    await app.ok(reg, { i: { name: 'customer_stats', entities: ['customer_id'], sourceDatasetUrn: src, features: [{ name: 'orders_7d', dtype: 'int64' }] } });
    const d = await app.ok(reg, {
      i: { name: 'customer_stats', entities: ['customer_id'], features: [{ name: 'spend_30d', dtype: 'float64', description: '30-day spend' }] },
    });
    assert.deepEqual(d.registerFeatureView, {
      urn: 'urn:pedigree:feature_view:customer_stats',
      entities: ['customer_id'],
      features: [
        { name: 'orders_7d', dtype: 'int64', description: null },
        { name: 'spend_30d', dtype: 'float64', description: '30-day spend' },
      ],
      sourceDataset: { urn: src },
    });
    // A feature view can be a training input.
    const r = await run(app, 'fv-train', { inputs: ['urn:pedigree:feature_view:customer_stats'] });
    const inputs = await app.ok(`query($u: String!) { run(urn: $u) { inputs { __typename urn } } }`, { u: r });
    assert.deepEqual(inputs.run.inputs, [{ __typename: 'FeatureView', urn: 'urn:pedigree:feature_view:customer_stats' }]);
    const dup = await app.gql(reg, { i: { name: 'x', entities: ['id'], features: [{ name: 'a', dtype: 'int' }, { name: 'a', dtype: 'int' }] } });
    assert.equal(codeOf(dup), 'BAD_USER_INPUT');
    const noKeys = await app.gql(reg, { i: { name: 'x', entities: [], features: [] } });
    assert.equal(codeOf(noKeys), 'BAD_USER_INPUT');
  });
});

describe('contexts', () => {
  it('groups runs and artifacts, from registerRun and from addToContext', async () => {
    const ctxUrn = (await app.ok(`mutation { registerContext(input: { contextKind: EXPERIMENT, name: "churn-q4" }) { urn } }`)).registerContext.urn;
    assert.equal(ctxUrn, 'urn:pedigree:context:experiment/churn-q4');
    const r = await run(app, 'ctx-run', { contextUrns: [ctxUrn] });
    const dv = await datasetVersion(app, await dataset(app, 'ctx.data'));
    await app.ok(`mutation($i: AddToContextInput!) { addToContext(input: $i) { urn } }`, { i: { contextUrn: ctxUrn, memberUrns: [dv, r] } });
    const d = await app.ok(`query($u: String!) { context(urn: $u) { contextKind members { urn } } run(urn: "${r}") { contexts { urn } } }`, { u: ctxUrn });
    assert.equal(d.context.contextKind, 'EXPERIMENT');
    assert.deepEqual(d.context.members.map((m: any) => m.urn).sort(), [dv, r].sort());
    assert.deepEqual(d.run.contexts, [{ urn: ctxUrn }]);
    const list = await app.ok(`{ contexts(contextKind: EXPERIMENT) { edges { node { urn } } } }`);
    assert.deepEqual(list.contexts.edges, [{ node: { urn: ctxUrn } }]);
    const bad = await app.gql(`mutation($i: AddToContextInput!) { addToContext(input: $i) { urn } }`, { i: { contextUrn: ctxUrn, memberUrns: [ctxUrn] } });
    assert.equal(codeOf(bad), 'BAD_USER_INPUT');
  });
});
