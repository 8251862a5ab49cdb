/**
 * The `npm start` path as a user runs it: a real process on embedded PostgreSQL in a data folder,
 * reachable over HTTP, stopped with Ctrl-C (SIGINT), restarted on the same data.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './support/net';

const MAIN = join(__dirname, '..', 'src', 'main.js');
const KEY = 'startup-admin-key-0123456789abcdef';
const dataDir = mkdtempSync(join(tmpdir(), 'pedigree-start-'));
const children: ChildProcess[] = [];

after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});


interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

async function start(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited early (${child.exitCode}):\n${output}`);
    const ok = await fetch(`${url}/health`).then((r) => r.status === 200, () => false);
    if (ok) return { child, url, output: () => output };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not healthy within 60 s:\n${output}`);
}

/** Polls `probe` until it returns a value, for at most `ms`. */
async function waitFor<T>(probe: () => T | undefined, ms = 5000): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

async function gql(url: string, query: string): Promise<any> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ query }),
  });
  return res.json();
}

describe('npm start on embedded PostgreSQL', () => {
  it('starts, serves, stops cleanly on SIGINT, and reuses its data on the next start', async () => {
    const env = { PEDIGREE_DATA_DIR: dataDir, PEDIGREE_ADMIN_API_KEY: KEY, PEDIGREE_EMBEDDED_PG_PORT: String(await freePort()) };
    const first = await start(env);
    const reg = await gql(first.url, `mutation { registerDataset(input: { namespace: "file://", name: "persisted" }) { urn } }`);
    assert.equal(reg.data.registerDataset.urn, 'urn:pedigree:dataset:file:///persisted');
    assert.match(first.output(), /"msg":"Pedigree is ready"/);
    // Structured JSON request logs, with the API key redacted.
    const requestLog = await waitFor(() => first.output().split('\n').find((line) => line.includes('"url":"/graphql"')));
    assert.ok(requestLog, `a request log line in:\n${first.output()}`);
    assert.equal(JSON.parse(requestLog!).req.headers.authorization, '[redacted]');
    assert.ok(!first.output().includes(KEY), 'the API key never appears in logs');
    first.child.kill('SIGINT');
    assert.equal(await exitOf(first.child), 0, first.output());
    assert.ok(!existsSync(join(dataDir, 'pg', 'postmaster.pid')), 'PostgreSQL was shut down');

    const second = await start(env);
    const read = await gql(second.url, `{ datasets { edges { node { urn } } } }`);
    assert.deepEqual(read.data.datasets.edges, [{ node: { urn: 'urn:pedigree:dataset:file:///persisted' } }]);
    second.child.kill('SIGTERM');
    assert.equal(await exitOf(second.child), 0, second.output());
    assert.ok(!existsSync(join(dataDir, 'pg', 'postmaster.pid')));
  });

  it('says why when the embedded PostgreSQL cannot start (its port is taken) and exits non-zero', async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, '127.0.0.1');
    try {
      const dir = mkdtempSync(join(tmpdir(), 'pedigree-busy-'));
      const child = spawn(process.execPath, [MAIN], {
        env: { PATH: process.env.PATH ?? '', PORT: String(await freePort()), PEDIGREE_DATA_DIR: dir, PEDIGREE_EMBEDDED_PG_PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (out += d));
      assert.equal(await exitOf(child), 1);
      assert.match(out, new RegExp(`Embedded PostgreSQL did not start .*port ${port}`));
      assert.match(out, /Address already in use/);
      rmSync(dir, { recursive: true, force: true });
    } finally {
      blocker.close();
    }
  });

  it('refuses an invalid configuration with a message naming every bad variable', async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    assert.equal(await exitOf(child), 2);
    assert.match(err, /PORT/);
    assert.match(err, /LOG_LEVEL/);
    assert.match(err, /DATABASE_URL: must be a postgres/);
  });
});
