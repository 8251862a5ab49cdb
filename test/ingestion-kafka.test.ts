import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, startTestApp, TestApp } from './support/harness';
import { olEvent, pedigreeEvent, uuid } from './support/events';
import { kafkaEnv, startKafka, TestKafka, waitFor } from './support/kafka';
import { startTcpProxy } from './support/tcp-proxy';

let kafka: TestKafka;
before(async () => {
  kafka = await startKafka({ lineage: 3, events: 1 });
});
after(async () => kafka?.stop());

const count = async (app: TestApp, sql: string, params: unknown[] = []) => Number((await app.db.query<{ n: string }>(sql, params))[0].n);
const receipts = (app: TestApp, like: string) => count(app, `SELECT count(*) AS n FROM event_receipt WHERE event_key LIKE $1`, [like]);
const metrics = async (app: TestApp) => (await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();

function lineageMessages(n: number, namespace: string) {
  return Array.from({ length: n }, (_, i) => {
    const runId = uuid();
    return {
      key: runId,
      value: JSON.stringify(olEvent({
        runId, eventType: 'COMPLETE', eventTime: new Date(Date.UTC(2026, 5, 1, 0, 0, i)).toISOString(), job: { namespace, name: `job${i % 7}` },
        inputs: [{ namespace, name: `in${i % 11}` }], outputs: [{ namespace, name: `out${i}` }],
      })),
    };
  });
}

describe('Kafka ingestion', () => {
  it('applies events from every topic, dead-letters poison with its topic, partition and offset, and commits offsets', async () => {
    const app = await startTestApp(kafkaEnv(kafka, ['lineage', 'events'], 'g-basic'));
    try {
      const producer = await kafka.producer();
      await producer.send({ topic: kafka.topic('lineage'), messages: [...lineageMessages(40, 'kbasic'), { key: 'x', value: '{"eventType": "START", ' }] });
      await producer.send({
        topic: kafka.topic('events'),
        messages: [
          { value: JSON.stringify(pedigreeEvent('training.progress', { runId: 'kafka-train-1', step: 1, gpuHours: 0.25, gpu: { type: 'L4', count: 1 } }, '2026-06-01T00:00:00Z', 'k-evt-1')) },
          { value: JSON.stringify({ type: 'training.progress', eventId: 'k-bad', eventTime: 'now', producer: 't', schemaVersion: '1.0', payload: { runId: 'r' } }) },
          { value: JSON.stringify(pedigreeEvent('training.progress', { runId: 'kafka-train-1', step: 1, gpuHours: 0.25 }, '2026-06-01T00:00:00Z', 'k-evt-1')) },
        ],
      });
      await waitFor('40 lineage events and 1 Pedigree event applied, 2 dead letters', async () =>
        (await receipts(app, 'ol:%')) === 40 && (await receipts(app, 'pedigree:k-evt-%')) === 1 && (await count(app, `SELECT count(*) AS n FROM dead_letter`)) === 2);
      const letters = await app.db.query<{ topic: string; kafka_partition: number; kafka_offset: string; error: string; payload: string }>(
        `SELECT topic, kafka_partition, kafka_offset::text, error, payload FROM dead_letter ORDER BY topic`,
      );
      assert.equal(letters[0].topic, kafka.topic('events'));
      assert.equal(letters[0].kafka_partition, 0);
      assert.equal(letters[0].kafka_offset, '1');
      assert.match(letters[0].error, /eventTime must match format "date-time"/);
      assert.equal(letters[1].topic, kafka.topic('lineage'));
      assert.match(letters[1].error, /not valid JSON/);
      assert.equal(letters[1].payload, '{"eventType": "START", ');
      assert.equal(await count(app, `SELECT count(*) AS n FROM run WHERE run_key LIKE '%' AND id IN (SELECT id FROM node WHERE properties->'openlineage:job'->>'namespace' = 'kbasic')`), 40);
      const run = await app.ok(`{ run(urn: "urn:pedigree:run:kafka-train-1") { compute { gpuType gpuHours } } }`);
      assert.deepEqual(run.run.compute, { gpuType: 'L4', gpuHours: 0.25 });

      // Offsets are committed up to the end of every partition once its events are applied.
      await waitFor('offsets committed', async () => {
        const admin = kafka.kafka.admin();
        await admin.connect();
        try {
          const [committed, ends] = await Promise.all([
            admin.fetchOffsets({ groupId: 'g-basic', topics: [kafka.topic('lineage'), kafka.topic('events')] }),
            Promise.all([kafka.topic('lineage'), kafka.topic('events')].map((t) => admin.fetchTopicOffsets(t))),
          ]);
          const high = ends.flat().map((p) => p.high).sort().join();
          const done = committed.flatMap((t) => t.partitions.map((p) => p.offset)).sort().join();
          return high === done;
        } finally {
          await admin.disconnect();
        }
      });
      // Each applied chunk is one audit entry with its offsets and counts.
      const audited = await app.db.query<{ target: string; received: number; applied: number; dead: number }>(
        `SELECT split_part(target, '/', 1) AS target, sum((details->>'received')::int)::int AS received,
                sum((details->>'applied')::int)::int AS applied, sum((details->>'deadLettered')::int)::int AS dead
           FROM audit_log WHERE action = 'ingest kafka' AND principal = 'kafka:g-basic' GROUP BY 1 ORDER BY 1`,
      );
      assert.deepEqual(audited, [
        { target: kafka.topic('events'), received: 3, applied: 1, dead: 1 },
        { target: kafka.topic('lineage'), received: 41, applied: 40, dead: 1 },
      ].sort((a, b) => a.target.localeCompare(b.target)));
      const text = await metrics(app);
      assert.match(text, new RegExp(`pedigree_ingest_events_total\\{source="${kafka.topic('lineage').replace(/\./g, '\\.')}",outcome="applied"\\} 40`));
      assert.match(text, /pedigree_kafka_consumer_lag\{topic="[^"]+",partition="0"\} 0/);
    } finally {
      await app.close();
    }
  });

  it('pauses while PostgreSQL is unreachable, holds a bounded number of events meanwhile, and applies everything once it is back', async () => {
    const admin = new URL(process.env.PEDIGREE_TEST_ADMIN_URL!);
    const proxy = await startTcpProxy(admin.hostname, Number(admin.port));
    // A long authentication cache lets /metrics answer while the database is away.
    const app = await startTestApp({ ...kafkaEnv(kafka, ['lineage'], 'g-outage'), KAFKA_BATCH_SIZE: '50', PEDIGREE_AUTH_CACHE_SECONDS: '300' }, {
      connectVia: (url) => {
        const u = new URL(url);
        u.port = String(proxy.port);
        return u.toString();
      },
    });
    try {
      // The topic holds the first test's 40 events and its poison message.
      const letters = () => count(app, `SELECT count(*) AS n FROM dead_letter`);
      await waitFor('the consumer to catch up with earlier tests', async () => (await receipts(app, 'ol:%')) >= 40 && (await letters()) >= 1);
      const before = await receipts(app, 'ol:%');
      const lettersBefore = await letters();
      await metrics(app);
      await proxy.cut();
      const producer = await kafka.producer();
      await producer.send({ topic: kafka.topic('lineage'), messages: lineageMessages(900, 'koutage') });
      const gauge = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
      let peakInFlight = 0;
      let peakHeld = 0;
      // Sample the gauges until the consumer has fetched the new events and retried at least once.
      await waitFor('a retry while the database is away', async () => {
        const text = await metrics(app);
        peakInFlight = Math.max(peakInFlight, gauge(text, 'pedigree_ingest_events_in_flight'));
        peakHeld = Math.max(peakHeld, gauge(text, 'pedigree_kafka_messages_held'));
        return /pedigree_kafka_chunk_retries_total\{topic="[^"]+"\} [1-9]/.test(text) && peakHeld > 0;
      }, 60_000);
      // 900 events wait; the service holds only the fetched batches being applied (2 partitions at a time)
      // and has at most a chunk of 50 per partition in the pipeline.
      assert.ok(peakInFlight <= 2 * 50, `events in flight during the outage: ${peakInFlight}`);
      assert.ok(peakHeld > 0 && peakHeld < 900, `messages held during the outage: ${peakHeld}`);
      await proxy.restore();
      await waitFor('all 900 events applied after the outage', async () => (await receipts(app, 'ol:%')) === before + 900, 90_000);
      assert.equal(await letters(), lettersBefore, 'an outage dead-letters nothing');
      assert.match(await metrics(app), /pedigree_kafka_chunk_retries_total\{topic="[^"]+"\} [1-9]/, 'the chunk was retried');
    } finally {
      await app.close();
      await proxy.close();
    }
  });

  it('splits partitions between two replicas in one group, applying each event once', async () => {
    const env = kafkaEnv(kafka, ['lineage'], 'g-replicas');
    const assigned = async (app: TestApp) => Number(/pedigree_kafka_assigned_partitions\{topic="[^"]+"\} (\d+)/.exec(await metrics(app))?.[1] ?? 0);
    const first = await startTestApp(env);
    let second: TestApp | undefined;
    try {
      // The topic already holds 940 events from the tests above. The second replica joins once the first is idle:
      // the mock broker elects a group leader on a fixed timer (session timeout - 1 s) and answers only the members
      // that have re-joined by then, so a member busy applying a batch would make the mock's rebalance go round.
      await waitFor('the first replica to catch up', async () => (await receipts(first, 'ol:%')) >= 940 && (await assigned(first)) === 3, 90_000);
      const before = await receipts(first, 'ol:%');
      second = await startTestApp(env, { database: first.database });
      // Wait for the group to settle with both members (a rebalance takes the session timeout).
      let seen = '';
      await waitFor('both replicas to hold partitions', async () => {
        const [a, b] = [await assigned(first), await assigned(second!)];
        seen = `${a} + ${b}`;
        return a > 0 && b > 0 && a + b === 3;
      }, 90_000).catch((err) => {
        throw new Error(`${err.message} (assigned: ${seen})`);
      });
      const producer = await kafka.producer();
      await producer.send({ topic: kafka.topic('lineage'), messages: lineageMessages(300, 'kreplicas') });
      await waitFor('300 events applied', async () => (await receipts(first, 'ol:%')) === before + 300, 90_000);
      const consumed = async (app: TestApp) => {
        const m = new RegExp(`pedigree_ingest_events_total\\{source="[^"]+",outcome="consumed"\\} (\\d+)`).exec(await metrics(app));
        return m ? Number(m[1]) : 0;
      };
      const [a, b] = [await consumed(first), await consumed(second)];
      assert.ok(a > 0 && b > 0, `both replicas consumed (first ${a}, second ${b})`);
      assert.equal(await receipts(first, 'ol:%'), before + 300);
    } finally {
      await second?.close();
      await first.close();
    }
  });
});
