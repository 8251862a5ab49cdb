/**
 * Ingestion benchmark: `npm run bench:ingest` (builds the Kafka mock broker, generates, produces, measures).
 *
 * 1. Kafka: BENCH_EVENTS (default 200,000) OpenLineage COMPLETE events (3 inputs, 2 outputs, schema facets)
 *    are produced to librdkafka's mock cluster (128 partitions, at most 100,000 events ahead of the consumer:
 *    the mock silently drops what exceeds 5 MiB per partition); Pedigree consumes them in its consumer group
 *    and the runner measures end-to-end applied events per second from the first applied event to the last
 *    (receipts counted in PostgreSQL).
 * 2. HTTP: BENCH_HTTP_EVENTS (default 50,000) more events through POST /api/v1/events, 500 per request,
 *    2 requests in flight; then BENCH_SINGLE_EVENTS (default 10,000) through POST /api/v1/lineage, one event
 *    per request from 64 kept-alive clients, as OpenLineage clients send them.
 * 3. Plain SQL: the same rows (run nodes and rows, version nodes and rows, edges) for BENCH_HTTP_EVENTS
 *    events inserted with batched INSERT … SELECT unnest(…), 500 events per transaction, no idempotency,
 *    merging or validation: the floor the pipeline's cost is compared with. Then the same rows again on two
 *    connections at once, each writing its own datasets: the most this machine writes of these rows.
 * Between phases the runner waits for the search indexer to empty its outbox (and prints how long that took
 * after the phase's last event), so each phase pays for indexing only while it runs, not for an earlier
 * phase's backlog — before 2026-11-24 the HTTP and plain-SQL phases did.
 */
import { join } from 'node:path';
import { Client } from 'pg';
import { Partitioners } from 'kafkajs';
import { startKafka } from '../test/support/kafka';
import { generateEvents, GeneratedEvent } from './ingest-events';
import { BENCH_KEY, inParallel, keepAliveRequest, outboxEmpty, startBenchApp, table } from './support';
import { onTwoConnections, plainSqlInsert } from './ingest-plain-sql';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const HTTP_EVENTS = Number(process.env.BENCH_HTTP_EVENTS ?? 50_000);
const SINGLE_EVENTS = Number(process.env.BENCH_SINGLE_EVENTS ?? 10_000);
const SINGLE_CLIENTS = 64;
const PARTITIONS = 128;
/** Most events produced but not yet applied: keeps every partition under the mock's 5 MiB retention. */
const MAX_BACKLOG = 100_000;
// Built by scripts/build-mock-broker.mjs (the npm script runs it first).
process.env.PEDIGREE_TEST_MOCK_BROKER ??= join(__dirname, '..', 'test', 'kafka', 'mock-broker');

async function receipts(sql: Client): Promise<number> {
  return Number((await sql.query(`SELECT count(*) AS n FROM event_receipt`)).rows[0].n);
}

async function main(): Promise<void> {
  console.log(`Pedigree ingestion benchmark — ${EVENTS} events over Kafka, ${HTTP_EVENTS} over HTTP and plain SQL`);
  console.log(`node ${process.version}, ${new Date().toISOString()}\n`);
  const kafka = await startKafka({ lineage: PARTITIONS });
  const bench = await startBenchApp({
    KAFKA_BROKERS: kafka.brokers.join(','),
    KAFKA_TOPICS: kafka.topic('lineage'),
    KAFKA_PREDICTION_TOPICS: '',
    KAFKA_GROUP_ID: 'bench',
    KAFKA_MAX_WAIT_MS: '200',
    DATABASE_POOL_SIZE: '4',
    // Passed on when set, to compare settings: PEDIGREE_INGEST_GROUP_EVENTS=1 PEDIGREE_INGEST_CONCURRENCY=64
    // applies every HTTP request on its own, as before group commit.
    ...Object.fromEntries(['PEDIGREE_INGEST_GROUP_EVENTS', 'PEDIGREE_INGEST_CONCURRENCY'].flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : []))),
  });
  const sql = new Client({ connectionString: bench.databaseUrl });
  await sql.connect();
  const rows: (string | number)[][] = [];
  try {
    // Kafka, end to end.
    const t0 = performance.now();
    const events = generateEvents(EVENTS + HTTP_EVENTS);
    const kafkaEvents = events.slice(0, EVENTS);
    const bytes = kafkaEvents.reduce((n, e) => n + e.json.length, 0);
    console.log(`generated ${events.length} events in ${((performance.now() - t0) / 1000).toFixed(1)} s (${(bytes / kafkaEvents.length).toFixed(0)} bytes each)`);
    const producer = kafka.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    let applied = 0;
    // librdkafka's mock hands a consumer one producer message set per partition per fetch (a real broker
    // returns up to max.partition.fetch.bytes), so messages go out in sets of 500 per partition, as a
    // batching producer (linger.ms) would send them, and never more than MAX_BACKLOG ahead of the consumer.
    const produce = (async () => {
      let produced = 0;
      for (let i = 0; i < kafkaEvents.length; i += 500 * PARTITIONS) {
        const wave = kafkaEvents.slice(i, i + 500 * PARTITIONS);
        while (produced + wave.length - applied > MAX_BACKLOG) await new Promise((r) => setTimeout(r, 200));
        for (let p = 0; p < PARTITIONS; p++) {
          const set = wave.filter((_, k) => k % PARTITIONS === p);
          if (set.length) await producer.send({ topic: kafka.topic('lineage'), messages: set.map((e) => ({ key: e.runId, value: e.json, partition: p })) });
        }
        produced += wave.length;
      }
      await producer.disconnect();
    })();
    let first = 0;
    let last = 0;
    let lastChange = Date.now();
    const deadline = Date.now() + 20 * 60_000;
    for (;;) {
      const n = await receipts(sql);
      if (n !== applied) lastChange = Date.now();
      if (Date.now() - lastChange > 60_000) throw new Error(`stalled at ${n} of ${EVENTS} applied for a minute (did the broker drop messages?)`);
      applied = n;
      if (n > 0 && !first) first = performance.now();
      process.stdout.write(`\r  applied ${n} / ${EVENTS}`);
      if (n >= EVENTS) {
        last = performance.now();
        break;
      }
      if (Date.now() > deadline) throw new Error(`only ${n} of ${EVENTS} events applied in 20 minutes`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await produce;
    process.stdout.write('\n');
    const kafkaSeconds = (last - first) / 1000;
    rows.push([`Kafka → Pedigree (consumer group, ${PARTITIONS} partitions, chunks of 500)`, EVENTS, kafkaSeconds.toFixed(1), Math.round(EVENTS / kafkaSeconds)]);
    // Search indexing is asynchronous (the outbox): let it catch up, so that no phase pays for another's.
    const caughtUp = async (phase: string) => {
      const t = performance.now();
      await outboxEmpty(sql);
      console.log(`  search indexing caught up ${((performance.now() - t) / 1000).toFixed(1)} s after the last ${phase} event was applied`);
    };
    await caughtUp('Kafka');

    // HTTP batches.
    const httpEvents = events.slice(EVENTS);
    const batches: GeneratedEvent[][] = [];
    for (let i = 0; i < httpEvents.length; i += 500) batches.push(httpEvents.slice(i, i + 500));
    const th = performance.now();
    await inParallel(batches, 2, async (batch) => {
      const res = await fetch(`${bench.url}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
        body: `[${batch.map((e) => e.json).join(',')}]`,
      });
      const body = (await res.json()) as { applied: number };
      if (res.status !== 200 || body.applied !== batch.length) throw new Error(`HTTP batch: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    });
    const httpSeconds = (performance.now() - th) / 1000;
    rows.push(['HTTP POST /api/v1/events (500 per request, 2 in flight)', httpEvents.length, httpSeconds.toFixed(1), Math.round(httpEvents.length / httpSeconds)]);

    await caughtUp('HTTP');

    // Single events, the way an OpenLineage client's HTTP transport sends them: one per request, from many
    // clients at once (group commit applies concurrent requests together).
    const singles = generateEvents(SINGLE_EVENTS, 11);
    const postOne = keepAliveRequest(bench.url, '/api/v1/lineage', { headers: { authorization: `Bearer ${BENCH_KEY}` }, sockets: SINGLE_CLIENTS });
    const t1 = performance.now();
    await inParallel(singles, SINGLE_CLIENTS, async (e) => {
      const { status, text } = await postOne(e.json);
      if (status !== 201) throw new Error(`single event: ${status} ${text.slice(0, 300)}`);
    });
    const singleSeconds = (performance.now() - t1) / 1000;
    rows.push([`HTTP POST /api/v1/lineage, one event per request, ${SINGLE_CLIENTS} clients`, singles.length, singleSeconds.toFixed(1), Math.round(singles.length / singleSeconds)]);
    await caughtUp('one-per-request');

    // Plain SQL floor, same rows, into a fresh schema-compatible namespace.
    const parsed = httpEvents.map((e) => JSON.parse(e.json));
    const ts = performance.now();
    await plainSqlInsert(sql, parsed, 500);
    const sqlSeconds = (performance.now() - ts) / 1000;
    rows.push(['plain batched SQL, same rows (no validation, idempotency or merging)', httpEvents.length, sqlSeconds.toFixed(1), Math.round(httpEvents.length / sqlSeconds)]);
    await caughtUp('plain SQL');

    // The same rows on two connections at once, each on its own datasets (nothing shared, nothing waited
    // for): what this machine can write of these rows with both cores, beside the service's indexer.
    const second = new Client({ connectionString: bench.databaseUrl });
    await second.connect();
    const tp = performance.now();
    await onTwoConnections(plainSqlInsert, [sql, second], parsed, 500, 'plain-');
    const parallelSeconds = (performance.now() - tp) / 1000;
    await second.end();
    rows.push(['plain batched SQL, same rows, 2 connections on disjoint datasets', parsed.length, parallelSeconds.toFixed(1), Math.round(parsed.length / parallelSeconds)]);

    console.log(`\n${table(['path', 'events', 'seconds', 'events/s'], rows)}\n`);
    const plain = httpEvents.length / sqlSeconds;
    console.log(`Kafka pipeline cost relative to plain SQL: ${(plain / (EVENTS / kafkaSeconds)).toFixed(2)}× the time per event`);
    console.log(`HTTP pipeline cost relative to plain SQL: ${(plain / (httpEvents.length / httpSeconds)).toFixed(2)}× the time per event`);
  } finally {
    await sql.end();
    await bench.close();
    await kafka.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
