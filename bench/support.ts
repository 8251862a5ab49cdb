/**
 * What every benchmark needs: Pedigree running on a fresh database (embedded PostgreSQL in a temporary
 * folder, or a new database on DATABASE_URL), a GraphQL client, latency percentiles and markdown tables.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { RunningApp, startPedigree } from '../src/app';
import { loadConfig } from '../src/platform/config/config';
import { startEmbeddedPostgres } from '../src/platform/database/embedded';

export const BENCH_KEY = 'bench-admin-key-0123456789abcdefghij';

export interface BenchApp {
  app: RunningApp;
  gql(query: string, variables?: Record<string, unknown>): Promise<any>;
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
  const pg = await startEmbeddedPostgres({ dataDir, port: 55432, database: 'bench' });
  return {
    url: pg.url,
    cleanup: async () => {
      await pg.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startBenchApp(env: Record<string, string> = {}): Promise<BenchApp> {
  const db = await freshDatabase();
  const app = await startPedigree(
    loadConfig({ DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', PEDIGREE_ADMIN_API_KEY: BENCH_KEY, ...env }),
  );
  return {
    app,
    async gql(query, variables = {}) {
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { errors?: unknown; data?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 500));
      return body.data;
    },
    async close() {
      await app.close();
      await db.cleanup();
    },
  };
}

/** Runs `work` `n` times after `warmup` unmeasured runs; returns p50 and p99 in milliseconds. */
export async function latency(n: number, work: () => Promise<unknown>, warmup = 10): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < n + warmup; i++) {
    const start = performance.now();
    await work();
    if (i >= warmup) times.push(performance.now() - start);
  }
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
