import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, TestApp } from './support/harness';
import { ingestScenario } from './support/ingest-scenario';
import { olEvent, uuid } from './support/events';
import { ingestState } from './support/ingest-state';
import { rng } from './support/random';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(async () => app?.close());

async function send(events: Record<string, unknown>[]): Promise<any> {
  const res = await app.post('/api/v1/events', events);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.errors, [], JSON.stringify(res.body.errors));
  return res.body;
}

function shuffled<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('ingestion guarantees', () => {
  it('applies the scenario in order, each event once, as expected', async () => {
    const s = ingestScenario('inorder');
    for (const e of s.events) await send([e]);
    const state = await ingestState(app.db, s.prefix, s.names);
    const find = (prefix: string) => state.filter((r) => r.startsWith(prefix));
    const train = JSON.parse(find('{"t":"run","run_key":"<train>"')[0]);
    assert.equal(train.kind, 'training');
    assert.equal(train.status, 'completed');
    assert.equal(train.gpu_hours, 3);
    assert.deepEqual(train.metrics, { loss: 0.4, step: 20, gpuUtilizationPercent: 95 });
    assert.equal(JSON.parse(find('{"t":"run","run_key":"<extract>"')[0]).parent, '<dag>');
    const edges = find('{"t":"edge"').map((r) => JSON.parse(r)).map((e) => `${e.kind} ${e.from_urn} -> ${e.to_urn} ${e.valid_from}`);
    assert.ok(edges.includes('OUTPUT urn:pedigree:run:<train> -> urn:pedigree:model:<p>-churn@1 2026-01-01T00:09:00.000Z'), edges.join('\n'));
    assert.ok(edges.includes('INPUT urn:pedigree:dataset:s3://<p>/daily.orders@1 -> urn:pedigree:run:<train> 2026-01-01T00:06:00.000Z'), edges.join('\n'));
    assert.equal(find('{"t":"column"').length, 1);
    const names = find('{"t":"node","kind":"run"').map((r) => JSON.parse(r).name).sort();
    assert.deepEqual(names, ['dag', 'extract', 'train', 'transform']);
  });

  it('ends in the same state whatever the order and batching, and re-sent events change nothing', async () => {
    const reference = ingestScenario('ref');
    for (const e of reference.events) await send([e]);
    const expected = await ingestState(app.db, reference.prefix, reference.names);
    for (let seed = 1; seed <= 6; seed++) {
      const random = rng(seed);
      const s = ingestScenario(`perm${seed}`);
      const order = shuffled(s.events, random);
      // Some events are delivered twice (at-least-once transports), some batches hold a repeat.
      const withRepeats = [...order, ...order.filter(() => random() < 0.3)];
      for (let i = 0; i < withRepeats.length; ) {
        const size = 1 + Math.floor(random() * 4);
        await send(withRepeats.slice(i, i + size));
        i += size;
      }
      const state = await ingestState(app.db, s.prefix, s.names);
      assert.deepEqual(state, expected, `seed ${seed}: order ${order.map((e: any) => e.eventType ?? e.type).join(', ')}`);
    }
  });

  it('answers duplicates as duplicates and leaves counts unchanged', async () => {
    const s = ingestScenario('dup');
    await send(s.events);
    const count = async () => (await app.db.query<{ n: string }>(`SELECT (SELECT count(*) FROM node) + (SELECT count(*) FROM edge) + (SELECT count(*) FROM dataset_version) AS n`))[0].n;
    const before = await count();
    const again = await send([...s.events, s.events[0]]);
    assert.equal(again.applied, 0);
    assert.equal(again.duplicates, s.events.length + 1);
    const single = await app.post('/api/v1/lineage', s.events[1]);
    assert.equal(single.status, 201);
    assert.equal(single.body.status, 'duplicate');
    assert.equal(await count(), before);
  });
});

describe('concurrent batches', () => {
  it('number versions of shared datasets without gaps or duplicates when batches race', async () => {
    const batches = Array.from({ length: 8 }, (_, b) =>
      Array.from({ length: 15 }, (_, i) => olEvent({
        runId: uuid(), eventType: 'COMPLETE', eventTime: new Date(Date.UTC(2026, 8, 1, b, i)).toISOString(), job: { namespace: 'race', name: 'w' },
        inputs: [{ namespace: 'race', name: `fresh_${i % 4}` }],
        outputs: [{ namespace: 'race', name: `shared_${i % 3}` }, { namespace: 'race', name: `shared_${(i + 1) % 3}` }],
      })),
    );
    const results = await Promise.all(batches.map((events) => app.post('/api/v1/events', events)));
    for (const r of results) {
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.errors, []);
    }
    const versions = await app.db.query<{ name: string; versions: number[]; latest: number }>(
      `SELECT d.name, array_agg(v.version ORDER BY v.version) AS versions, d.latest_version AS latest
         FROM dataset d JOIN dataset_version v ON v.dataset_id = d.id WHERE d.namespace = 'race' GROUP BY d.name, d.latest_version ORDER BY d.name`,
    );
    for (const v of versions) {
      assert.deepEqual(v.versions, Array.from({ length: v.versions.length }, (_, i) => i + 1), `${v.name}: ${v.versions.join(',')}`);
      assert.equal(v.latest, v.versions.length);
    }
    assert.equal(versions.filter((v) => v.name.startsWith('shared_')).reduce((n, v) => n + v.versions.length, 0), 8 * 15 * 2);
    assert.equal(versions.filter((v) => v.name.startsWith('fresh_')).length, 4);
    assert.ok(versions.filter((v) => v.name.startsWith('fresh_')).every((v) => v.versions.length === 1), 'a never-written input gets one first version');
  });
});
