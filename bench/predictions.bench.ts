/**
 * Prediction logging benchmark: `npm run bench:predictions`.
 *
 * 1. Generates BENCH_PREDICTIONS (default 10,000,000) records in Arrow batches of 50,000 with UUIDv7
 *    (time-ordered) ids over the last 5 days, and POSTs them to /api/v1/predictions (one record batch per
 *    request, BENCH_IN_FLIGHT = 4 requests in flight) — rows/s over the whole ingest.
 * 2. `prediction(id)` through GraphQL (with its model version and deployment, without lineage) for 1,000
 *    random stored ids, once after the first 1,000,000 rows and again after all of them, each time after the
 *    database has come to rest (a CHECKPOINT, autovacuum done), with `fetch` and with a kept-alive connection.
 * 3. The same rows COPYed (binary, BENCH_IN_FLIGHT connections) straight into an identical partitioned table with `pg`:
 *    the raw-COPY floor, pre-encoded so the timing is PostgreSQL's alone.
 * 4. Both again for BENCH_PREDICTIONS_V4 (default 2,000,000) records with random UUIDv4 ids.
 */
import { tableFromIPC } from 'apache-arrow';
import { Client } from 'pg';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { columnsOfRecordBatch } from '../src/predictions/ingest/arrow-decoder';
import { attribute, DAY_MS } from '../src/predictions/ingest/attribution';
import { encodeCopy, PREDICTION_COPY_COLUMNS } from '../src/predictions/ingest/copy-encoder';
import { uuidV7Time } from '../src/predictions/prediction-query.service';
import { generateBatch, GeneratedBatch } from './predictions-data';
import { BENCH_KEY, benchMain, inParallel, latency, settle, table, BenchApp } from './support';

const TOTAL = Number(process.env.BENCH_PREDICTIONS ?? 10_000_000);
const TOTAL_V4 = Number(process.env.BENCH_PREDICTIONS_V4 ?? 2_000_000);
const BATCH = 50_000;
/** Requests in flight over HTTP, and connections COPYing at once for the raw COPY. */
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 4);
const FIRST_LOOKUP_AT = Math.min(1_000_000, TOTAL);
const SPAN_DAYS = 5;

const seconds = (ms: number) => (ms / 1000).toFixed(1);

function generate(total: number, ids: 'v7' | 'v4', deployment: string, seed: number): GeneratedBatch[] {
  const start = Date.now() - SPAN_DAYS * DAY_MS;
  const step = (SPAN_DAYS * DAY_MS - 60_000) / total;
  return Array.from({ length: Math.ceil(total / BATCH) }, (_, b) =>
    generateBatch({ size: Math.min(BATCH, total - b * BATCH), startMs: start + b * BATCH * step, stepMs: step, ids, seed: seed + b, deployment }),
  );
}

/**
 * POSTs one batch. A connection the server closed as idle (keep-alive timeout) while the client reused it
 * fails before any answer; the request is sent again — safe, since a re-sent batch is a no-op.
 */
async function post(bench: BenchApp, body: Uint8Array): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(`${bench.url}/api/v1/predictions`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.apache.arrow.stream', authorization: `Bearer ${BENCH_KEY}` },
        body: body as Uint8Array<ArrayBuffer>,
      });
    } catch (err) {
      if (attempt < 3) continue;
      throw err;
    }
    const text = await res.text();
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
    return;
  }
}

/** POSTs batches with IN_FLIGHT requests in flight; returns the milliseconds spent. */
async function ingestHttp(bench: BenchApp, batches: GeneratedBatch[]): Promise<number> {
  const t0 = performance.now();
  await inParallel(batches, IN_FLIGHT, (b) => post(bench, b.ipc));
  return performance.now() - t0;
}

/**
 * Steady-state lookups: the database first comes to rest after the ingest (`settle`), then 1,000 timed after
 * 200 untimed (a fresh service compiles its GraphQL path first), with `fetch` and with a kept-alive
 * `node:http` connection.
 */
async function lookups(bench: BenchApp, sql: Client, ids: string[], rows: (string | number)[][], label: string): Promise<void> {
  const waited = await settle(sql);
  let k = 0;
  const query = `query($id: String!) { prediction(id: $id) { id timestamp latencyMs modelVersion { urn version } deployment { urn } } }`;
  for (const [client, gql] of [['fetch', bench.gql], ['node:http keep-alive', bench.gqlKeepAlive]] as const) {
    const l = await latency(
      1000,
      async () => {
        const id = ids[(k++ * 7919) % ids.length];
        const d = await gql(query, { id });
        if (d.prediction.id !== id) throw new Error('wrong prediction');
      },
      200,
    );
    rows.push([`prediction(id) at ${label} rows, ${client}`, 1000, l.p50.toFixed(2), l.p99.toFixed(2)]);
    console.log(`  lookups at ${label} rows (${client}, after ${waited.toFixed(0)} s settling): p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms`);
  }
}

/** The lookup statement the service runs, timed directly and explained, for the figures in bench/README.md. */
async function lookupSql(sql: Client, ids: string[]): Promise<{ p50: number; p99: number; plan: string }> {
  const text = `SELECT COALESCE(id, uid::text) AS id, ts, deployment_id, model_version_id, input::text, output::text, latency_ms FROM prediction WHERE uid = $1 AND day = ANY($2::date[])`;
  const days = (id: string) => {
    const d = Math.floor(uuidV7Time(id)! / DAY_MS);
    return [d - 1, d, d + 1].map((x) => new Date(x * DAY_MS).toISOString().slice(0, 10));
  };
  let k = 0;
  const l = await latency(1000, () => {
    const id = ids[(k++ * 7919) % ids.length];
    return sql.query({ name: 'lookup', text, values: [id, days(id)] });
  });
  const plan = await sql.query(`EXPLAIN (ANALYZE, COSTS OFF) EXECUTE lookup_explain('${ids[0]}', '{${days(ids[0]).join(',')}}')`).catch(async () => {
    await sql.query(`PREPARE lookup_explain(uuid, date[]) AS ${text}`);
    for (let i = 0; i < 6; i++) await sql.query(`EXECUTE lookup_explain('${ids[i % ids.length]}', '{${days(ids[i % ids.length]).join(',')}}')`);
    return sql.query(`EXPLAIN (ANALYZE, COSTS OFF) EXECUTE lookup_explain('${ids[0]}', '{${days(ids[0]).join(',')}}')`);
  });
  return { ...l, plan: plan.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n') };
}

async function rawTable(sql: Client): Promise<void> {
  await sql.query(`CREATE TABLE prediction_raw (LIKE prediction INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (uid, day)) PARTITION BY RANGE (day)`);
  const today = Math.floor(Date.now() / DAY_MS);
  for (let d = today - SPAN_DAYS - 1; d <= today + 1; d++) {
    const iso = (x: number) => new Date(x * DAY_MS).toISOString().slice(0, 10);
    await sql.query(`CREATE TABLE prediction_raw_${d} PARTITION OF prediction_raw FOR VALUES FROM ('${iso(d)}') TO ('${iso(d + 1)}')`);
  }
}

/** The COPY stream of each batch, encoded before timing starts. */
function encodeAll(batches: GeneratedBatch[], ids: { deployment: string; deploymentId: string; modelVersionId: string }): Buffer[] {
  const history = {
    id: ids.deploymentId,
    urn: ids.deployment,
    predictionPayloads: 'store' as const,
    revisions: [{ modelVersionId: ids.modelVersionId, validFrom: new Date(Date.now() - 30 * DAY_MS), validTo: null }],
  };
  const today = Math.floor(Date.now() / DAY_MS);
  return batches.map((b) => {
    const cols = columnsOfRecordBatch(tableFromIPC(b.ipc).batches[0]);
    const at = attribute(cols, { histories: new Map([[ids.deployment, history]]), modelVersionIds: new Map(), firstDay: today - 90, lastDay: today + 3 });
    return encodeCopy(cols, at).copy;
  });
}

async function copyRaw(url: string, buffers: Buffer[]): Promise<number> {
  const clients = await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    const c = new Client({ connectionString: url });
    await c.connect();
    return c;
  }));
  const t0 = performance.now();
  let next = 0;
  await Promise.all(clients.map(async (c) => {
    while (next < buffers.length) {
      const buf = buffers[next++];
      await pipeline(Readable.from([buf]), c.query(copyFrom(`COPY prediction_raw (${PREDICTION_COPY_COLUMNS}) FROM STDIN (FORMAT binary)`)));
    }
  }));
  const ms = performance.now() - t0;
  await Promise.all(clients.map((c) => c.end()));
  return ms;
}

console.log(`Pedigree prediction benchmark — ${TOTAL} UUIDv7 + ${TOTAL_V4} UUIDv4 records, batches of ${BATCH}, ${IN_FLIGHT} in flight`);
console.log(`node ${process.version}, ${new Date().toISOString()}\n`);
benchMain({ DATABASE_POOL_SIZE: '4' }, async (bench, sql) => {
  const mv = await bench.gql(`mutation { registerModel(input: { name: "churn" }) { urn } }`);
  const version = await bench.gql(`mutation($m: String!) { registerModelVersion(input: { modelUrn: $m, framework: "onnx" }) { id urn } }`, { m: mv.registerModel.urn });
  const dep = await bench.gql(`mutation { registerDeployment(input: { name: "churn-api" }) { id urn } }`);
  await bench.gql(`mutation($i: ReviseDeploymentInput!) { reviseDeployment(input: $i) { urn } }`, {
    i: { deploymentUrn: dep.registerDeployment.urn, traffic: [{ modelVersionUrn: version.registerModelVersion.urn, trafficShare: 1 }], validFrom: new Date(Date.now() - 30 * DAY_MS).toISOString() },
  });
  const ids = { deployment: dep.registerDeployment.urn, deploymentId: dep.registerDeployment.id, modelVersionId: version.registerModelVersion.id };
  await rawTable(sql);
  const rows: (string | number)[][] = [];
  const lookupRows: (string | number)[][] = [];

  for (const [kind, total, seed] of [['v7', TOTAL, 1000], ['v4', TOTAL_V4, 900_000]] as const) {
    if (!total) continue;
    let t0 = performance.now();
    const batches = generate(total, kind, ids.deployment, seed);
    const bytes = batches.reduce((n, b) => n + b.ipc.length, 0);
    console.log(`${kind}: generated ${total} records in ${batches.length} Arrow batches in ${seconds(performance.now() - t0)} s (${(bytes / total).toFixed(0)} bytes/record)`);
    const firstCut = kind === 'v7' ? Math.ceil(FIRST_LOOKUP_AT / BATCH) : 0;
    let httpMs = 0;
    if (firstCut) {
      httpMs += await ingestHttp(bench, batches.slice(0, firstCut));
      await sql.query('VACUUM (ANALYZE) prediction');
      await lookups(bench, sql, batches.slice(0, firstCut).flatMap((b) => b.sampleIds), lookupRows, FIRST_LOOKUP_AT.toLocaleString('en-US'));
    }
    httpMs += await ingestHttp(bench, batches.slice(firstCut));
    const httpRate = total / (httpMs / 1000);
    console.log(`  HTTP: ${total} records in ${seconds(httpMs)} s = ${Math.round(httpRate)} records/s`);
    if (kind === 'v7') {
      await sql.query('VACUUM (ANALYZE) prediction');
      await lookups(bench, sql, batches.flatMap((b) => b.sampleIds), lookupRows, total.toLocaleString('en-US'));
      const raw = await lookupSql(sql, batches.flatMap((b) => b.sampleIds));
      lookupRows.push([`the lookup statement alone (pg, prepared) at ${total.toLocaleString('en-US')} rows`, 1000, raw.p50.toFixed(2), raw.p99.toFixed(2)]);
      console.log(`  the statement alone: p50 ${raw.p50.toFixed(2)} ms, p99 ${raw.p99.toFixed(2)} ms; plan:\n${raw.plan}`);
    }
    t0 = performance.now();
    const buffers = encodeAll(batches, ids);
    console.log(`  encoded the raw COPY streams in ${seconds(performance.now() - t0)} s`);
    batches.length = 0;
    const rawMs = await copyRaw(bench.databaseUrl, buffers);
    const rawRate = total / (rawMs / 1000);
    console.log(`  raw COPY: ${total} records in ${seconds(rawMs)} s = ${Math.round(rawRate)} records/s`);
    rows.push([`${kind === 'v7' ? 'UUIDv7 (time-ordered)' : 'UUIDv4 (random)'} ids`, total, seconds(httpMs), Math.round(httpRate), seconds(rawMs), Math.round(rawRate), `${((100 * httpRate) / rawRate).toFixed(0)} %`]);
  }
  const [{ n }] = (await sql.query(`SELECT count(*)::int AS n FROM prediction`)).rows;
  console.log(`\nstored: ${n} predictions\n`);
  console.log(table(['ids', 'records', 'HTTP s', 'HTTP records/s', 'raw COPY s', 'raw COPY records/s', 'HTTP / raw'], rows));
  console.log();
  console.log(table(['lookup (GraphQL over HTTP, one client)', 'requests', 'p50 ms', 'p99 ms'], lookupRows));
});
