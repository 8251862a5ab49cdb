import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { ADMIN_KEY, adminQuery, startTestApp, TestApp } from './support/harness';
import { olEvent, schemaFacet, uuid } from './support/events';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(async () => app?.close());

const RUN = `query($urn: String!) { run(urn: $urn) { urn name status startedAt endedAt runKind params properties } }`;

describe('POST /api/v1/lineage (OpenLineage, as Marquez accepts it)', () => {
  it('maps START + COMPLETE onto a run, dataset versions with columns, edges, column lineage, job and code', async () => {
    const runId = uuid();
    const job = {
      namespace: 'airflow',
      name: 'orders.daily_load',
      facets: {
        sourceCodeLocation: { _producer: 't', _schemaURL: 'u', type: 'git', url: 'https://github.com/acme/etl', version: 'ABCDEF1234567', path: 'dags/orders.py' },
        sql: { _producer: 't', _schemaURL: 'u', query: 'INSERT INTO orders_daily SELECT * FROM orders' },
        ownership: { _producer: 't', _schemaURL: 'u', owners: [{ name: 'team:orders' }] },
      },
    };
    const input = { namespace: 'postgres://db:5432', name: 'shop.orders', facets: schemaFacet([['id', 'int'], ['amount', 'numeric']]) };
    const output = {
      namespace: 'postgres://db:5432',
      name: 'shop.orders_daily',
      facets: {
        ...schemaFacet([['day', 'date'], ['total', 'numeric']]),
        columnLineage: {
          _producer: 't', _schemaURL: 'u',
          fields: { total: { inputFields: [{ namespace: 'postgres://db:5432', name: 'shop.orders', field: 'amount', transformations: [{ type: 'INDIRECT', subtype: 'AGGREGATION' }] }] } },
        },
        myCustomFacet: { _producer: 't', _schemaURL: 'u', anything: [1, 2, 3] },
      },
      outputFacets: { outputStatistics: { _producer: 't', _schemaURL: 'u', rowCount: 31, size: 4096 } },
    };
    const start = await app.post('/api/v1/lineage', olEvent({ runId, eventType: 'START', eventTime: '2026-03-01T10:00:00Z', job, inputs: [input], outputs: [output] }));
    assert.equal(start.status, 201, start.text);
    const complete = await app.post('/api/v1/lineage', olEvent({ runId, eventType: 'COMPLETE', eventTime: '2026-03-01T10:05:00Z', job, inputs: [input], outputs: [output] }));
    assert.equal(complete.status, 201, complete.text);

    const { run } = await app.ok(RUN, { urn: `urn:pedigree:run:${runId}` });
    assert.equal(run.status, 'COMPLETED');
    assert.equal(run.startedAt, '2026-03-01T10:00:00.000Z');
    assert.equal(run.endedAt, '2026-03-01T10:05:00.000Z');
    assert.equal(run.name, 'orders.daily_load');
    assert.equal(run.params.sql, 'INSERT INTO orders_daily SELECT * FROM orders');
    assert.deepEqual(run.properties['openlineage:ownership'].owners, [{ name: 'team:orders' }], 'unknown job facets are kept');

    const versionUrn = 'urn:pedigree:dataset:postgres://db:5432/shop.orders_daily@1';
    const { datasetVersion } = await app.ok(
      `query($urn: String!) { datasetVersion(urn: $urn) { columns { name type } statistics { rowCount bytes } properties } }`,
      { urn: versionUrn },
    );
    assert.deepEqual(datasetVersion.columns.map((c: any) => c.name), ['day', 'total']);
    assert.deepEqual(datasetVersion.statistics, { rowCount: 31, bytes: 4096 });
    assert.deepEqual(datasetVersion.properties['openlineage:myCustomFacet'].anything, [1, 2, 3], 'unknown dataset facets are kept');

    const { lineage } = await app.ok(
      `query($urn: String!) { lineage(urn: $urn, direction: UPSTREAM, depth: 3) { nodes { urn kind } edges { from to kind validFrom } } }`,
      { urn: versionUrn },
    );
    const short = (urn: string) => urn.replace(/^urn:pedigree:[a-z_]+:/, '');
    const edges = lineage.edges.map((e: any) => `${e.kind} ${short(e.from)} -> ${short(e.to)} @${e.validFrom}`).sort();
    assert.deepEqual(edges, [
      `CODE https://github.com/acme/etl#dags/orders.py@abcdef1234567 -> ${runId} @2026-03-01T10:00:00.000Z`,
      `INPUT postgres://db:5432/shop.orders@1 -> ${runId} @2026-03-01T10:00:00.000Z`,
      `OUTPUT ${runId} -> postgres://db:5432/shop.orders_daily@1 @2026-03-01T10:05:00.000Z`,
    ]);
    const { columnLineage } = await app.ok(
      `query($urn: String!) { columnLineage(datasetVersionUrn: $urn, column: "total", direction: UPSTREAM, depth: 2) { columns { urn column } edges { transformation } } }`,
      { urn: versionUrn },
    );
    assert.deepEqual(columnLineage.columns.map((c: any) => `${c.urn.split('/').pop()}.${c.column}`).sort(), ['shop.orders@1.amount', 'shop.orders_daily@1.total']);
    assert.equal(columnLineage.edges[0].transformation, 'INDIRECT AGGREGATION');
    const { context } = await app.ok(`query { context(urn: "urn:pedigree:context:pipeline/airflow/orders.daily_load") { name members { urn } } }`);
    assert.deepEqual(context.members.map((m: any) => m.urn), [`urn:pedigree:run:${runId}`]);
  });

  it('fills what a stored input version lacks from later reads, and nothing else', async () => {
    const ns = 'postgres://db:5432';
    const name = `shop.raw_${uuid().slice(0, 8)}`;
    const read = async (facets: Record<string, unknown>) => {
      const res = await app.post('/api/v1/lineage', olEvent({ runId: uuid(), eventType: 'COMPLETE', eventTime: '2026-03-02T10:00:00Z', inputs: [{ namespace: ns, name, facets }] }));
      assert.equal(res.status, 201, res.text);
    };
    const VERSION = `query($urn: String!, $dataset: String!) { datasetVersion(urn: $urn) { columns { name type } properties } dataset(urn: $dataset) { latestVersion { version } } }`;
    const vars = { urn: `urn:pedigree:dataset:${ns}/${name}@1`, dataset: `urn:pedigree:dataset:${ns}/${name}` };
    await read({});
    let got = await app.ok(VERSION, vars);
    assert.deepEqual(got.datasetVersion.columns, [], 'a first read without a schema makes a version without columns');
    await read(schemaFacet([['id', 'bigint']]));
    got = await app.ok(VERSION, vars);
    assert.deepEqual(got.datasetVersion.columns, [{ name: 'id', type: 'bigint' }], 'a later read brings the columns it lacked');
    await read({ ...schemaFacet([['other', 'text']]), qualityNote: { _producer: 't', _schemaURL: 'u', note: 'checked' } });
    got = await app.ok(VERSION, vars);
    assert.deepEqual(got.datasetVersion.columns, [{ name: 'id', type: 'bigint' }], 'columns once known are not replaced by a read');
    assert.equal(got.datasetVersion.properties['openlineage:qualityNote'].note, 'checked', 'new facets merge into the version');
    assert.equal(got.dataset.latestVersion.version, 1, 'reads never create versions of a dataset that has one');
  });
});

const batchesOf = async (target: TestApp): Promise<number> => {
  const text = await (await fetch(`${target.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
  return Number(/^pedigree_ingest_batch_seconds_count\{source="http"\} (\d+)/m.exec(text)?.[1] ?? 0);
};
const runExists = async (target: TestApp, runId: string): Promise<boolean> =>
  (await target.db.query(`SELECT 1 FROM node WHERE urn = $1`, [`urn:pedigree:run:${runId}`])).length === 1;

describe('group commit of concurrent HTTP requests', () => {
  it('applies concurrent single-event requests in shared batches, each answered with exactly its own outcome', async () => {
    const before = await batchesOf(app);
    const runIds = Array.from({ length: 30 }, () => uuid());
    const event = (runId: string) => olEvent({ runId, eventType: 'COMPLETE', eventTime: '2026-03-03T10:00:00Z', outputs: [{ namespace: 'postgres://db:5432', name: `shop.grouped_${runId.slice(0, 8)}` }] });
    const bad = { ...event(uuid()), eventTime: 'not a time' };
    const answers = await Promise.all([
      ...runIds.map((r) => app.post('/api/v1/lineage', event(r))),
      app.post('/api/v1/lineage', bad),
      app.post('/api/v1/lineage', event(runIds[0])), // the same event again, possibly in the same batch
    ]);
    const good = answers.slice(0, 30);
    for (const [i, res] of good.entries()) {
      assert.equal(res.status, 201, res.text);
      assert.ok(res.body.key.includes(runIds[i]), `request ${i} got the key of its own event: ${res.body.key}`);
    }
    const statuses = [answers[0].body.status, answers[31].body.status].sort();
    assert.deepEqual(statuses, ['applied', 'duplicate'], 'one of the two identical events applied, the other a duplicate');
    assert.ok(good.slice(1).every((r) => r.body.status === 'applied'));
    assert.equal(answers[30].status, 400, answers[30].text);
    assert.match(answers[30].body.error.message, /eventTime/);
    assert.ok(answers[30].body.error.details.deadLetterId, 'the bad event is kept as a dead letter');
    for (const r of runIds) assert.ok(await runExists(app, r), r);
    const batches = (await batchesOf(app)) - before;
    assert.ok(batches < answers.length, `${answers.length} requests in ${batches} batches`);
  });

  it('holds a bounded queue: beyond it a request is refused at once with 503 and Retry-After, and nothing of it is applied', async () => {
    const small = await startTestApp({ PEDIGREE_INGEST_CONCURRENCY: '1', PEDIGREE_INGEST_QUEUE_EVENTS: '3' });
    const blocker = new Client({ connectionString: small.database.url });
    await blocker.connect();
    try {
      const send = (runId: string) => small.post('/api/v1/lineage', olEvent({ runId, eventType: 'START', eventTime: '2026-03-04T10:00:00Z' }));
      // Hold every receipt insert: the first request's batch waits on this lock.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE event_receipt IN EXCLUSIVE MODE');
      const before = await batchesOf(small);
      const [first, ...queuedIds] = [uuid(), uuid(), uuid(), uuid()];
      const firstAnswer = send(first);
      // (Asked on another connection: inside the blocker's transaction pg_stat_activity is a snapshot.)
      const waiting = async () => (await small.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INTO event_receipt%'`,
      ))[0].n;
      await until(async () => (await waiting()) === 1);
      const queuedAnswers = queuedIds.map(send);
      await until(async () => /^pedigree_ingest_http_queued_events 3$/m.test(await (await fetch(`${small.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text()));
      const refusedId = uuid();
      const refused = await send(refusedId);
      assert.equal(refused.status, 503, refused.text);
      assert.equal(refused.headers.get('retry-after'), '1');
      assert.equal(refused.body.error.code, 'UNAVAILABLE');
      assert.match(refused.body.error.message, /busy: 3 events are waiting/);

      await blocker.query('COMMIT');
      for (const res of [await firstAnswer, ...(await Promise.all(queuedAnswers))]) assert.equal(res.status, 201, res.text);
      assert.equal((await batchesOf(small)) - before, 2, 'the first request alone, then the three that waited in one batch');
      assert.equal(await runExists(small, refusedId), false, 'the refused request left nothing behind');
      assert.equal((await send(refusedId)).status, 201, 'sent again once there is room, it is applied');
      assert.equal(await runExists(small, refusedId), true);

      // A request larger than the whole queue is not refused for its size: it waits alone.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE event_receipt IN EXCLUSIVE MODE');
      const blocked = send(uuid());
      await until(async () => (await waiting()) === 1);
      const bigIds = [uuid(), uuid(), uuid(), uuid(), uuid()];
      const big = small.post('/api/v1/events', bigIds.map((runId) => olEvent({ runId, eventType: 'START', eventTime: '2026-03-04T11:00:00Z' })));
      await until(async () => /^pedigree_ingest_http_queued_events 5$/m.test(await (await fetch(`${small.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text()));
      await blocker.query('COMMIT');
      assert.equal((await blocked).status, 201);
      const bigAnswer = await big;
      assert.equal(bigAnswer.status, 200, bigAnswer.text);
      assert.equal(bigAnswer.body.applied, 5);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
      await small.close();
    }
  });
});

describe('HTTP ingestion while PostgreSQL refuses connections', () => {
  it('answers 503 with Retry-After, applies nothing, and applies the same event once the database is back', async () => {
    const target = await startTestApp();
    const name = target.database.name;
    try {
      const event = olEvent({ runId: uuid(), eventType: 'START', eventTime: '2026-03-05T10:00:00Z' });
      assert.equal((await target.post('/api/v1/lineage', olEvent({ runId: uuid(), eventType: 'START', eventTime: '2026-03-05T09:00:00Z' }))).status, 201);
      // The database closed to new connections (as for maintenance), and the service's open connections gone.
      await adminQuery(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
      const refused = await target.post('/api/v1/lineage', event);
      assert.equal(refused.status, 503, refused.text);
      assert.equal(refused.headers.get('retry-after'), '5');
      assert.equal(refused.body.error.code, 'UNAVAILABLE');
      assert.match(refused.body.error.message, /nothing was applied/);

      await adminQuery(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      const again = await target.post('/api/v1/lineage', event);
      assert.equal(again.status, 201, again.text);
      assert.equal(again.body.status, 'applied', 'the refused attempt left no receipt behind');
    } finally {
      await adminQuery(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`).catch(() => undefined);
      await target.close();
    }
  });
});

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
