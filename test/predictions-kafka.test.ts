import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, startTestApp, TestApp } from './support/harness';
import { kafkaEnv, startKafka, TestKafka, waitFor } from './support/kafka';
import { arrowBody, artifactRoot, HOUR, jsonLines, Row, Served, servedScenario, uuidv7 } from './support/predictions';

let kafka: TestKafka;
let app: TestApp;
let s: Served;
before(async () => {
  kafka = await startKafka({ predictions: 2, lineage: 1 });
  const root = artifactRoot();
  app = await startTestApp({ ...kafkaEnv(kafka, ['lineage'], 'g-predictions', ['predictions']), PEDIGREE_ARTIFACT_ROOTS: root });
  s = await servedScenario(app, root);
});
after(async () => {
  await app?.close();
  await kafka?.stop();
});

const rows = (n: number, at: number, extra: Partial<Row> = {}): Row[] =>
  Array.from({ length: n }, (_, i) => ({ predictionId: uuidv7(at + i), deployment: s.deployment, timestamp: at + i, input: [i, 1, 2], output: [[i]], ...extra }));
const count = async (sql: string) => Number((await app.db.query<{ n: string }>(sql))[0].n);

describe('Kafka prediction topics', () => {
  it('stores Arrow IPC and JSON-lines messages once, dead-letters the ones that cannot be stored, and goes on', async () => {
    const arrow = arrowBody(rows(100, s.t.v2Only));
    const truncated = arrowBody(rows(10, s.t.v2Only + HOUR));
    const producer = await kafka.producer();
    await producer.send({
      topic: kafka.topic('predictions'),
      messages: [
        { key: 'a', value: arrow },
        { key: 'a', value: jsonLines(rows(3, s.t.v1Only)) },
        { key: 'a', value: truncated.subarray(0, truncated.length - 40) },
        { key: 'a', value: jsonLines(rows(2, s.t.v2Only, { deployment: 'urn:pedigree:deployment:ghost' })) },
        { key: 'a', value: arrow }, // re-sent: a no-op
        { key: 'a', value: JSON.stringify(rows(1, s.t.v2Only + 2 * HOUR)[0]) },
      ],
    });
    await waitFor('104 predictions stored and 2 dead letters', async () =>
      (await count(`SELECT count(*) AS n FROM prediction`)) === 104 && (await count(`SELECT count(*) AS n FROM dead_letter`)) === 2,
    );
    const letters = await app.db.query<{ topic: string; error: string; payload: string }>(`SELECT topic, error, payload FROM dead_letter ORDER BY kafka_offset`);
    assert.equal(letters[0].topic, kafka.topic('predictions'));
    assert.match(letters[0].error, /Prediction message not stored: The Arrow IPC stream is truncated or malformed/);
    assert.match(letters[0].payload, /^arrow-ipc-base64:/);
    assert.match(letters[1].error, /Unknown deployment\(s\): urn:pedigree:deployment:ghost/);
    assert.equal(await count(`SELECT COALESCE(sum(n), 0) AS n FROM prediction_count`), 104, 'the re-sent message counted nothing');
    const m = /pedigree_predictions_total\{source="[^"]+",outcome="duplicate"\} (\d+)/.exec(
      await (await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text(),
    );
    assert.equal(Number(m?.[1]), 100);
  });
});
