/**
 * What every benchmark needs: Pedigree running in its own process on a fresh database (embedded
 * PostgreSQL in a temporary folder, or a new database on DATABASE_URL), a GraphQL client, latency
 * percentiles and markdown tables.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/platform/database/embedded';
import { freePort } from '../test/support/net';
import { ServiceProcess, spawnService } from '../test/support/service-process';

export const BENCH_KEY = 'bench-admin-key-0123456789abcdefghij';

export interface BenchApp {
  /** Base URL of the service. */
  url: string;
  /** The service's database, for loading data and raw-SQL comparisons. */
  databaseUrl: string;
  /** Runs a GraphQL request (as the admin unless `key` is given); throws on any error in the answer. */
  gql(query: string, variables?: Record<string, unknown>, key?: string): Promise<any>;
  /**
   * The same through `node:http` with one kept-alive connection: what a long-lived client (a UI backend, an
   * SDK) pays. `fetch` (undici) adds ~0.3–0.5 ms of its own per request on this machine.
   */
  gqlKeepAlive(query: string, variables?: Record<string, unknown>): Promise<any>;
  /** The last lines the service printed (its log), for failures. */
  output(): string;
  close(): Promise<void>;
}

async function freshDatabase(): Promise<{ url: string; cleanup: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const name = `pedigree_bench_${process.pid}`;
    const admin = new Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    return { url: url.toString(), cleanup: async () => undefined };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'pedigree-bench-'));
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'bench' });
  return {
    url: pg.url,
    cleanup: async () => {
      await pg.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}


/**
 * Pedigree as users run it: its own process (`node dist/src/main.js`, NODE_ENV=production) on a fresh
 * database, so the load client's work does not share the service's event loop.
 */
export async function startBenchApp(env: Record<string, string> = {}): Promise<BenchApp> {
  const db = await freshDatabase();
  // BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the service.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  let service: ServiceProcess;
  try {
    service = await spawnService({ DATABASE_URL: db.url, PEDIGREE_ADMIN_API_KEY: BENCH_KEY, ...env }, nodeArgs);
  } catch (err) {
    await db.cleanup();
    throw err;
  }
  const url = service.url;
  return {
    url,
    databaseUrl: db.url,
    async gql(query, variables = {}, key = BENCH_KEY) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      });
      return dataOf(await res.json());
    },
    gqlKeepAlive: keepAliveClient(url),
    output: () => service.output(),
    async close() {
      await service.stop();
      await db.cleanup();
    },
  };
}

function dataOf(body: { errors?: unknown; data?: unknown }): any {
  if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 500));
  return body.data;
}

function keepAliveClient(url: string): BenchApp['gqlKeepAlive'] {
  const post = keepAlivePost(url, '/graphql', { authorization: `Bearer ${BENCH_KEY}` });
  return async (query, variables = {}) => dataOf(await post({ query, variables }));
}

/**
 * POSTs a ready-made body to `url` + `path` over kept-alive `node:http` connections (`sockets` of them) and
 * resolves with the status and text of the answer: the client behind `keepAlivePost`, and for load that
 * sends pre-serialized events.
 */
export function keepAliveRequest(
  url: string,
  path: string,
  { headers = {}, sockets = 1 }: { headers?: Record<string, string>; sockets?: number } = {},
): (body: string) => Promise<{ status: number; text: string }> {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port } = new URL(url);
  return (body) =>
    new Promise((resolve, reject) => {
      const all = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers };
      const req = request({ agent, hostname, port, path, method: 'POST', headers: all }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });
}

/**
 * POSTs JSON over one kept-alive connection and parses the JSON answer; an answer other than 2xx rejects
 * with its status and text. The client of `gqlKeepAlive`, and of any other endpoint a benchmark compares it with.
 */
export function keepAlivePost(url: string, path: string, headers: Record<string, string> = {}): (payload: unknown) => Promise<any> {
  const post = keepAliveRequest(url, path, { headers });
  return async (payload) => {
    const { status, text } = await post(JSON.stringify(payload));
    if (status < 200 || status > 299) throw new Error(`POST ${path}: ${status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
}

/** Waits until the search indexer has emptied its outbox (everything written so far is searchable). */
export async function outboxEmpty(sql: Client, timeoutMs = 1_800_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await sql.query(`SELECT count(*)::int AS n FROM search_outbox`)).rows[0].n > 0) {
    if (Date.now() > deadline) throw new Error('the search outbox did not drain in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Lets the database come to rest after bulk writes before latency is timed: a CHECKPOINT (the ingest's dirty
 * pages written out) and up to `maxSeconds` for autovacuum workers to finish.
 */
export async function settle(sql: Client, maxSeconds = 120): Promise<number> {
  const t0 = performance.now();
  await sql.query('CHECKPOINT');
  for (let i = 0; i < maxSeconds; i++) {
    const busy = await sql.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`);
    if (!busy.rows[0].n) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return (performance.now() - t0) / 1000;
}

/**
 * A benchmark's main: starts the service (`env`) with a `pg` client on its database, runs `work`, prints what
 * the service printed when it fails, always closes both, and exits 1 on failure.
 */
export function benchMain(env: Record<string, string>, work: (bench: BenchApp, sql: Client) => Promise<void>): void {
  const run = async () => {
    const bench = await startBenchApp(env);
    const sql = new Client({ connectionString: bench.databaseUrl });
    await sql.connect();
    try {
      await work(bench, sql);
    } catch (err) {
      console.error(`the service printed:\n${bench.output()}`);
      throw err;
    } finally {
      await sql.end();
      await bench.close();
    }
  };
  run().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

/** Runs SQL on a database URL with a short-lived client. */
export async function sqlOn<T = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Runs `work` `n` times after `warmup` unmeasured runs; returns p50 and p99 in milliseconds. */
export async function latency(n: number, work: () => Promise<unknown>, warmup = 10): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < n + warmup; i++) {
    const start = performance.now();
    await work();
    if (i >= warmup) times.push(performance.now() - start);
  }
  return percentiles(times);
}

/**
 * Times several ways of doing the same work on the same inputs: iteration `i` runs every `works[k](i)`,
 * starting with a different one each time, so no way always finds the caches warmed by another. Returns
 * p50 and p99 per way, after `warmup` untimed iterations.
 */
export async function interleaved(
  n: number,
  works: ((i: number) => Promise<unknown>)[],
  warmup = 10,
): Promise<{ p50: number; p99: number }[]> {
  const times = works.map(() => [] as number[]);
  for (let i = 0; i < n + warmup; i++) {
    for (let j = 0; j < works.length; j++) {
      const k = (i + j) % works.length;
      const start = performance.now();
      await works[k](i);
      if (i >= warmup) times[k].push(performance.now() - start);
    }
  }
  return times.map(percentiles);
}

function percentiles(times: number[]): { p50: number; p99: number } {
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
  return { p50: at(50), p99: at(99) };
}

/** Runs `work` over `items` with `concurrency` in flight. */
export async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

export function table(header: string[], rows: (string | number)[][]): string {
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [header, align, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
