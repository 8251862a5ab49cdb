import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, codeOf, issueKey, startTestApp, TestApp } from './support/harness';
import { olEvent, pedigreeEvent, uuid } from './support/events';

let app: TestApp;
let readerKey: string;
before(async () => {
  app = await startTestApp({ PEDIGREE_INGEST_MAX_EVENTS: '20', PEDIGREE_INGEST_MAX_BODY_BYTES: '262144' });
  readerKey = await issueKey(app, 'ingest-reader', ['READER']);
});
after(async () => app?.close());

async function sendOk(events: unknown[]): Promise<void> {
  const res = await app.post('/api/v1/events', events);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.errors, []);
}

const sha = (c: string) => c.repeat(64);

describe('Pedigree events', () => {
  it('register model versions, change stages, revise deployments, define feature views, report training and profiles', async () => {
    await sendOk([
      pedigreeEvent('model_version.registered', {
        model: { name: 'fraud', ownerTeam: 'risk' }, artifactUri: 'file:///m/fraud-1.onnx', artifactSha256: sha('1'), framework: 'onnx',
        signature: { inputs: [{ name: 'x', dtype: 'float32', shape: [-1, 4] }], outputs: [{ name: 'y', dtype: 'float32', shape: [-1, 1] }] },
        metrics: { auc: 0.88 }, params: { lr: 0.01 },
      }),
      pedigreeEvent('model_version.registered', { model: { name: 'fraud' }, artifactSha256: sha('2') }),
      pedigreeEvent('model.stage_changed', { modelVersion: { model: 'fraud', version: 1 }, stage: 'production' }),
      pedigreeEvent('deployment.revised', {
        deployment: { name: 'fraud-api', environment: 'prod' },
        traffic: [{ modelVersion: { model: 'fraud', version: 1 }, trafficShare: 0.9 }, { modelVersion: { model: 'fraud', artifactSha256: sha('2') }, trafficShare: 0.1 }],
        validFrom: '2026-02-01T00:00:00Z',
      }),
      pedigreeEvent('feature_view.defined', {
        name: 'customer_features', entities: ['customer_id'], sourceDataset: { namespace: 'warehouse', name: 'customers' },
        features: [{ name: 'age', dtype: 'int32' }, { name: 'spend_30d', dtype: 'float64', description: 'Spend in the last 30 days' }],
        ownerTeam: 'growth',
      }),
      pedigreeEvent('dataset.profiled', {
        dataset: { namespace: 'warehouse', name: 'customers' },
        statistics: { rowCount: 1200, bytes: 99000, columns: [{ name: 'age', nullFraction: 0.01, distinctCount: 80, min: 18, max: 99 }] },
      }),
      pedigreeEvent('training.progress', { runId: 'gpu-run-1', step: 5, epoch: 1, metrics: { loss: 1.2 }, gpu: { type: 'A100', count: 4, memoryUsedGiB: 61 }, gpuHours: 0.5 }),
      pedigreeEvent('training.progress', { runId: 'gpu-run-1', status: 'completed', step: 50, metrics: { loss: 0.3 }, gpuHours: 4.25, energyKwh: 3.5 }, '2026-01-01T05:00:00Z'),
    ]);
    const d = await app.ok(`{
      model(urn: "urn:pedigree:model:fraud") { ownerTeam versions { edges { node { version stage framework artifactSha256 metrics signature { inputs { name shape } } } } } }
      deployment(urn: "urn:pedigree:deployment:fraud-api") { environment currentRevisions { trafficShare validFrom modelVersion { version } } }
      featureView(urn: "urn:pedigree:feature_view:customer_features") { ownerTeam features { name dtype } sourceDataset { urn } }
      dataset(urn: "urn:pedigree:dataset:warehouse/customers") { latestVersion { version statistics { rowCount columns { name nullFraction min max } } } }
      run(urn: "urn:pedigree:run:gpu-run-1") { runKind status endedAt metrics compute { gpuType gpuCount gpuHours energyKwh } }
    }`);
    const versions = d.model.versions.edges.map((e: any) => e.node);
    assert.equal(d.model.ownerTeam, 'risk');
    // Production needs four eyes even from a pipeline: the event left a pending request by its producer.
    assert.deepEqual(versions.map((v: any) => [v.version, v.stage]), [[1, 'NONE'], [2, 'NONE']]);
    const asked = await app.ok(`{ modelVersion(urn: "urn:pedigree:model:fraud@1") { stageRequests { stage status requestedBy } } }`);
    assert.deepEqual(asked.modelVersion.stageRequests.map((r: any) => [r.stage, r.status, r.requestedBy.startsWith('producer:')]), [['PRODUCTION', 'PENDING', true]]);
    assert.deepEqual(versions[0].signature.inputs, [{ name: 'x', shape: [-1, 4] }]);
    assert.deepEqual(d.deployment.currentRevisions.map((r: any) => [r.modelVersion.version, r.trafficShare, r.validFrom]).sort(), [
      [1, 0.9, '2026-02-01T00:00:00.000Z'], [2, 0.1, '2026-02-01T00:00:00.000Z'],
    ]);
    assert.deepEqual(d.featureView.features.map((f: any) => f.name), ['age', 'spend_30d']);
    assert.equal(d.featureView.sourceDataset.urn, 'urn:pedigree:dataset:warehouse/customers');
    assert.deepEqual(d.dataset.latestVersion.statistics, { rowCount: 1200, columns: [{ name: 'age', nullFraction: 0.01, min: '18', max: '99' }] });
    assert.equal(d.run.runKind, 'TRAINING');
    assert.equal(d.run.status, 'COMPLETED');
    assert.equal(d.run.endedAt, '2026-01-01T05:00:00.000Z');
    assert.deepEqual(d.run.compute, { gpuType: 'A100', gpuCount: 4, gpuHours: 4.25, energyKwh: 3.5 });
    assert.deepEqual(d.run.metrics, { loss: 0.3, step: 50, epoch: 1, gpuMemoryUsedGiB: 61 });
  });
});

describe('unknown facets', () => {
  it('keeps large and deeply nested facets as given, and refuses only what PostgreSQL cannot store', async () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 40; i++) deep = { child: deep };
    const plan = { _producer: 'spark', _schemaURL: 'u', plan: 'p'.repeat(150_000), tree: deep };
    const runId = uuid();
    const res = await app.post('/api/v1/lineage', olEvent({ runId, eventType: 'START', eventTime: '2026-06-01T00:00:00Z', runFacets: { spark_logicalPlan: plan } }));
    assert.equal(res.status, 201, res.text.slice(0, 300));
    const { run } = await app.ok(`query($u: String!) { run(urn: $u) { properties } }`, { u: `urn:pedigree:run:${runId}` });
    assert.equal(run.properties['openlineage:spark_logicalPlan'].plan.length, 150_000);
    assert.deepEqual(run.properties['openlineage:spark_logicalPlan'].tree, deep);
    const nul = await app.post('/api/v1/lineage', olEvent({ runId: uuid(), eventType: 'START', eventTime: '2026-06-01T00:00:00Z', runFacets: { odd: { _producer: 'x', _schemaURL: 'u', v: 'a\u0000b' } } }));
    assert.equal(nul.status, 400);
    assert.match(nul.body.error.message, /NUL character/);
  });
});

describe('poison events and dead letters', () => {
  it('dead-letters what cannot be applied, applies the rest of the batch, and replays a letter after a fix', async () => {
    const good = olEvent({ runId: uuid(), eventType: 'COMPLETE', eventTime: '2026-04-01T00:00:00Z', outputs: [{ namespace: 'pg', name: 'poison.ok' }] });
    const res = await app.post('/api/v1/events', [
      good,
      { eventType: 'COMPLETE', eventTime: 'yesterday', run: { runId: uuid() }, job: { namespace: 'a', name: 'b' } },
      { type: 'model.stage_changed', eventId: 'e-unknown-version', eventTime: '2026-04-01T00:00:00Z', producer: 't', schemaVersion: '1.0',
        payload: { modelVersion: { model: 'not-yet', version: 3 }, stage: 'staging' } },
      olEvent({ runId: uuid(), eventType: 'START', eventTime: '2026-04-01T00:00:00Z', inputs: [{ namespace: 'pg', name: 'has space' }] }),
      42,
      { type: 'no.such.event', eventId: 'x', eventTime: '2026-04-01T00:00:00Z', producer: 't', schemaVersion: '1.0', payload: {} },
    ]);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.applied, 1);
    assert.equal(res.body.deadLettered, 5);
    const errors = res.body.errors.map((e: any) => [e.index, e.error]);
    assert.match(errors[0][1], /eventTime must match format "date-time"/);
    assert.match(errors[1][1], /Not in the catalog: urn urn:pedigree:model:not-yet@3/);
    assert.match(errors[2][1], /whitespace/);
    assert.match(errors[3][1], /must be a JSON object/);
    assert.match(errors[4][1], /tag "type" must be in oneOf/);
    const { deadLetters } = await app.ok(`{ deadLetters(pending: true, urn: "urn:pedigree:model:not-yet") {
      edges { node { id source error eventKey urns payload replayedAt } } } }`);
    assert.equal(deadLetters.edges.length, 1);
    const letter = deadLetters.edges[0].node;
    assert.equal(letter.source, 'http');
    assert.equal(letter.eventKey, 'pedigree:e-unknown-version');
    assert.equal(JSON.parse(letter.payload).payload.stage, 'staging');

    const failed = await app.ok(`mutation($id: ID!) { replayDeadLetter(id: $id) { status error deadLetter { replayedAt replayError } } }`, { id: letter.id });
    assert.equal(failed.replayDeadLetter.status, 'FAILED');
    assert.match(failed.replayDeadLetter.deadLetter.replayError, /not-yet@3/);
    await sendOk([1, 2, 3].map((n) => pedigreeEvent('model_version.registered', { model: { name: 'not-yet' }, artifactSha256: sha(String(n)) })));
    const replayed = await app.ok(`mutation($id: ID!) { replayDeadLetter(id: $id) { status deadLetter { replayedAt replayError } } }`, { id: letter.id });
    assert.equal(replayed.replayDeadLetter.status, 'APPLIED');
    assert.ok(replayed.replayDeadLetter.deadLetter.replayedAt);
    const stage = await app.ok(`{ modelVersion(urn: "urn:pedigree:model:not-yet@3") { stage } }`);
    assert.equal(stage.modelVersion.stage, 'STAGING');
    const again = await app.ok(`mutation($id: ID!) { replayDeadLetter(id: $id) { status } }`, { id: letter.id });
    assert.equal(again.replayDeadLetter.status, 'DUPLICATE');
    const { deadLetters: pending } = await app.ok(`{ deadLetters(pending: true, urn: "urn:pedigree:model:not-yet") { edges { cursor } } }`);
    assert.equal(pending.edges.length, 0);
    assert.equal(codeOf(await app.gql(`mutation { replayDeadLetter(id: "999999999") { status } }`)), 'NOT_FOUND');
    assert.equal(codeOf(await app.gql(`mutation { replayDeadLetter(id: "1; DROP TABLE node") { status } }`)), 'NOT_FOUND');
  });
});

describe('bad input on the ingestion routes', () => {
  const event = () => olEvent({ runId: uuid(), eventType: 'START', eventTime: '2026-05-01T00:00:00Z', outputs: [{ namespace: 'pg', name: 'bad.input' }] });

  it('refuses callers without a key or without write access', async () => {
    for (const path of ['/api/v1/lineage', '/api/v1/events']) {
      assert.equal((await app.post(path, event(), null)).status, 401, path);
      assert.equal((await app.post(path, event(), 'not-a-key')).status, 401, path);
      const forbidden = await app.post(path, event(), readerKey);
      assert.equal(forbidden.status, 403, path);
      assert.equal(forbidden.body.error.code, 'FORBIDDEN');
    }
  });

  it('answers malformed, oversized and hostile bodies with clear errors and keeps what was accepted', async () => {
    const kept = event();
    assert.equal((await app.post('/api/v1/lineage', kept)).status, 201);
    const nodesBefore = (await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM node`))[0].n;
    const cases: [string, string, unknown, string, number, RegExp][] = [
      ['not JSON', '/api/v1/events', '{"eventType": ', 'application/json', 400, /JSON|Unexpected/i],
      ['text/plain', '/api/v1/lineage', JSON.stringify(event()), 'text/plain', 400, /Content-Type: application\/json/],
      ['a string', '/api/v1/events', '"hello"', 'application/json', 400, /./],
      ['an empty array', '/api/v1/events', '[]', 'application/json', 400, /holds no events/],
      ['too many events', '/api/v1/events', JSON.stringify(Array.from({ length: 21 }, event)), 'application/json', 400, /limit is 20/],
      ['an array to /lineage', '/api/v1/lineage', JSON.stringify([event()]), 'application/json', 400, /send batches to \/api\/v1\/events/],
      ['an oversized body', '/api/v1/events', JSON.stringify([{ ...event(), pad: 'x'.repeat(300_000) }]), 'application/json', 413, /too large/],
      ['a 10,000-character job name', '/api/v1/lineage', JSON.stringify({ ...event(), job: { namespace: 'a', name: 'n'.repeat(10_000) } }), 'application/json', 400, /must NOT have more than 500 characters/],
      ['a run id that is not a UUID', '/api/v1/lineage', JSON.stringify({ ...event(), run: { runId: "1' OR '1'='1" } }), 'application/json', 400, /must match format "uuid"/],
      ['a prototype-polluting facet', '/api/v1/lineage', `{"eventType":"START","eventTime":"2026-05-01T00:00:00Z","run":{"runId":"${uuid()}","facets":{"__proto__":{"polluted":true}}},"job":{"namespace":"a","name":"b"}}`, 'application/json', 201, /./],
    ];
    for (const [label, path, body, type, status, message] of cases) {
      const res = await app.post(path, body, undefined, type);
      assert.equal(res.status, status, `${label}: ${res.text.slice(0, 300)}`);
      if (status >= 400) assert.match(res.body?.error?.message ?? JSON.stringify(res.body?.errors ?? res.text), message, label);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    // SQL in names is data, not code.
    const sneaky = olEvent({ runId: uuid(), eventType: 'COMPLETE', eventTime: '2026-05-01T00:00:00Z', outputs: [{ namespace: 'pg', name: "x');DROP_TABLE_node;--" }] });
    assert.equal((await app.post('/api/v1/lineage', sneaky)).status, 201);
    const { dataset } = await app.ok(`query($u: String!) { dataset(urn: $u) { name } }`, { u: "urn:pedigree:dataset:pg/x');DROP_TABLE_node;--" });
    assert.equal(dataset.name, "x');DROP_TABLE_node;--");
    const nodesAfter = (await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM node`))[0].n;
    assert.ok(nodesAfter >= nodesBefore, 'nothing accepted earlier was lost');
    const run = await app.ok(`query($u: String!) { run(urn: $u) { status } }`, { u: `urn:pedigree:run:${(kept.run as any).runId}` });
    assert.equal(run.run.status, 'RUNNING');
  });

  it('counts events on /metrics', async () => {
    const res = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const text = await res.text();
    assert.match(text, /pedigree_ingest_events_total\{source="http",outcome="applied"\} \d+/);
    assert.match(text, /pedigree_ingest_events_total\{source="http",outcome="dead_lettered"\} \d+/);
    assert.match(text, /pedigree_ingest_batch_seconds_count\{source="http"\} \d+/);
  });
});
