import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { ADMIN_KEY, createTestDatabase, TestDatabase } from './support/harness';
import { olEvent, uuid } from './support/events';
import { kafkaEnv, startKafka, TestKafka, waitFor } from './support/kafka';
import { spawnService } from './support/service-process';

const EVENTS = 20_000;
let kafka: TestKafka;
let database: TestDatabase;
let sql: Client;
before(async () => {
  // Six partitions keep each under the mock broker's 5 MiB per-partition retention.
  kafka = await startKafka({ crash: 6 });
  database = await createTestDatabase();
  sql = new Client({ connectionString: database.url });
  await sql.connect();
});
after(async () => {
  await sql?.end();
  await database?.drop();
  await kafka?.stop();
});

const scalar = async (text: string) => Number((await sql.query(text)).rows[0].n);

describe('no loss under crash', () => {
  it('applies every one of 20,000 Kafka events exactly once across a SIGKILL mid-consumption', async () => {
    const producer = await kafka.producer();
    const runIds: string[] = [];
    for (let sent = 0; sent < EVENTS; sent += 1000) {
      const messages = Array.from({ length: 1000 }, (_, i) => {
        const runId = uuid();
        runIds.push(runId);
        return {
          key: runId,
          value: JSON.stringify(olEvent({
            runId, eventType: 'COMPLETE', eventTime: new Date(Date.UTC(2026, 6, 1) + (sent + i) * 1000).toISOString(),
            job: { namespace: 'crash', name: `job${(sent + i) % 50}` }, outputs: [{ namespace: 'crash', name: `out${sent + i}` }],
          })),
        };
      });
      await producer.send({ topic: kafka.topic('crash'), messages });
    }
    const env = { DATABASE_URL: database.url, PEDIGREE_ADMIN_API_KEY: ADMIN_KEY, ...kafkaEnv(kafka, ['crash'], 'g-crash'), KAFKA_BATCH_SIZE: '250' };
    const first = await spawnService(env);
    await waitFor('some events applied', async () => (await scalar(`SELECT count(*) AS n FROM event_receipt`)) >= 2000, 120_000);
    await first.stop('SIGKILL');
    const atKill = await scalar(`SELECT count(*) AS n FROM event_receipt`);
    assert.ok(atKill < EVENTS, `the kill came mid-consumption (${atKill} applied)`);

    const second = await spawnService(env);
    try {
      await waitFor('all events applied', async () => (await scalar(`SELECT count(*) AS n FROM event_receipt`)) === EVENTS, 240_000);
      // Exactly once: one run, one output version and one OUTPUT edge per event, nothing dead-lettered.
      const ours = `(SELECT id FROM run WHERE run_key = ANY('{${runIds.join(',')}}'::text[]))`;
      assert.equal(await scalar(`SELECT count(*) AS n FROM ${ours} r`), EVENTS);
      assert.equal(await scalar(`SELECT count(*) AS n FROM edge WHERE kind = 'OUTPUT' AND from_node IN ${ours}`), EVENTS);
      assert.equal(await scalar(`SELECT count(*) AS n FROM dataset_version v JOIN dataset d ON d.id = v.dataset_id WHERE d.namespace = 'crash'`), EVENTS);
      assert.equal(await scalar(`SELECT count(*) AS n FROM dead_letter`), 0);
      assert.equal(await scalar(`SELECT count(*) AS n FROM run WHERE status <> 'completed' AND id IN ${ours}`), 0);
    } finally {
      await second.stop();
    }
  });
});
