import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, issueKey, startTestApp, TestApp } from './support/harness';
import { olEvent, uuid } from './support/events';

let app: TestApp;
let dir: string;
let readerKey: string;
before(async () => {
  app = await startTestApp();
  readerKey = await issueKey(app, 'replay-reader', ['READER']);
  dir = mkdtempSync(join(tmpdir(), 'pedigree-ingestor-'));
});
after(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const CLI = join(__dirname, '..', '..', 'bin', 'pedigree-ingest.js');

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const line = (i: number, namespace: string) =>
  JSON.stringify(olEvent({ runId: uuid(), eventType: 'COMPLETE', eventTime: new Date(Date.UTC(2026, 7, 1, 0, 0, i)).toISOString(),
    job: { namespace, name: 'export' }, outputs: [{ namespace, name: `t${i}` }] }));

describe('pedigree-ingest openlineage', () => {
  it('replays a directory of JSON-lines files in batches, then finds everything already there', async () => {
    const clean = join(dir, 'clean');
    mkdirSync(join(clean, 'nested'), { recursive: true });
    writeFileSync(join(clean, 'a.jsonl'), Array.from({ length: 25 }, (_, i) => line(i, 'replay')).join('\n') + '\n\n');
    writeFileSync(join(clean, 'nested', 'b.ndjson'), Array.from({ length: 12 }, (_, i) => line(100 + i, 'replay')).join('\r\n'));
    writeFileSync(join(clean, 'README.txt'), 'not an event file');
    const first = await run(['openlineage', clean, '--url', app.url, '--api-key', ADMIN_KEY, '--batch-size', '10']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /sent 37, applied 37, duplicates 0, dead-lettered 0, failed batches 0/);
    const runs = await app.db.query<{ n: string }>(`SELECT count(*) AS n FROM node WHERE properties->'openlineage:job'->>'namespace' = 'replay'`);
    assert.equal(Number(runs[0].n), 37);
    const again = await run(['openlineage', clean, '--url', app.url, '--batch-size', '7'], { PEDIGREE_API_KEY: ADMIN_KEY });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /sent 37, applied 0, duplicates 37/);
  });

  it('exits non-zero with the reasons when events are dead-lettered, and keeps them as dead letters', async () => {
    const file = join(dir, 'mixed.jsonl');
    writeFileSync(file, [line(1, 'mixed'), '{"eventType": "COMPLETE", broken', JSON.stringify({ eventType: 'START', eventTime: 'soon', run: { runId: uuid() }, job: { namespace: 'm', name: 'n' } }), line(2, 'mixed')].join('\n'));
    const res = await run(['openlineage', file, '--url', app.url, '--api-key', ADMIN_KEY]);
    assert.equal(res.code, 1);
    assert.match(res.stdout, /sent 4, applied 2, duplicates 0, dead-lettered 2/);
    assert.match(res.stdout, /not valid JSON/);
    assert.match(res.stdout, /date-time/);
    const letters = await app.db.query<{ payload: string }>(`SELECT payload FROM dead_letter ORDER BY id`);
    assert.ok(letters.some((l) => l.payload === '{"eventType": "COMPLETE", broken'), 'the broken line is kept as it was');
  });

  it('says clearly what is wrong with its arguments, the key or the server', async () => {
    const file = join(dir, 'one.jsonl');
    writeFileSync(file, line(1, 'args'));
    const cases: [string[], number, RegExp][] = [
      [['openlineage'], 2, /missing required argument 'paths'/],
      [['openlineage', file], 2, /--api-key \(or PEDIGREE_API_KEY\) is required/],
      [['openlineage', join(dir, 'missing.jsonl'), '--api-key', 'k'], 2, /no such file or directory/],
      [['openlineage', file, '--api-key', 'k', '--batch-size', '0'], 2, /--batch-size must be an integer/],
      [['openlineage', file, '--api-key', 'k', '--url', 'not a url'], 2, /is not a URL/],
      [['openlineage', file, '--api-key', 'wrong-key', '--url', app.url], 1, /refused the API key \(401\)/],
      [['openlineage', file, '--api-key', readerKey, '--url', app.url], 1, /refused the API key \(403\)/],
      [['nonsense'], 2, /unknown command/],
    ];
    for (const [args, code, message] of cases) {
      const res = await run(args);
      assert.equal(res.code, code, `${args.join(' ')}: ${res.stdout} ${res.stderr}`);
      assert.match(res.stderr + res.stdout, message, args.join(' '));
    }
  });
});
