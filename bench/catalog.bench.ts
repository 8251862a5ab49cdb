/**
 * Catalog benchmark: registration throughput and read latency through the real GraphQL endpoint.
 *
 *   npm run bench:catalog                 # 10,000 datasets (default)
 *   BENCH_DATASETS=50000 npm run bench:catalog
 *
 * Starts Pedigree on a fresh embedded PostgreSQL in a temporary folder (or on DATABASE_URL, into a new
 * database), generates a catalog (datasets with two versions each, produced by runs), then measures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startPedigree } from '../src/app';
import { loadConfig } from '../src/platform/config/config';
import { startEmbeddedPostgres } from '../src/platform/database/embedded';

const DATASETS = Number(process.env.BENCH_DATASETS ?? 10_000);
const BATCH = 50; // registrations per GraphQL request (aliased mutations)
const CONCURRENCY = 4;
const KEY = 'bench-admin-key-0123456789abcdefghij';
const TEAMS = ['crm', 'risk', 'payments', 'search', 'ads', 'growth', 'ml-platform', 'finance'];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  let dataDir: string | undefined;
  let databaseUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!databaseUrl) {
    dataDir = mkdtempSync(join(tmpdir(), 'pedigree-bench-'));
    const pg = await startEmbeddedPostgres({ dataDir, port: 55432, database: 'bench' });
    databaseUrl = pg.url;
    stopEmbedded = pg.stop;
  } else {
    const name = `pedigree_bench_${process.pid}`;
    const c = new Client({ connectionString: databaseUrl });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    const u = new URL(databaseUrl);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
  }
  const app = await startPedigree(
    loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', PEDIGREE_ADMIN_API_KEY: KEY, GRAPHQL_MAX_COMPLEXITY: '1000000' }),
  );
  const gql = async (query: string, variables: Record<string, unknown> = {}): Promise<any> => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { errors?: unknown; data?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 500));
    return body.data;
  };

  // --- generate: datasets, then a run + two versions each (the second produced by the run)
  const t0 = performance.now();
  const batches: number[][] = [];
  for (let i = 0; i < DATASETS; i += BATCH) batches.push(Array.from({ length: Math.min(BATCH, DATASETS - i) }, (_, k) => i + k));
  const name = (i: number) => `${['raw', 'staging', 'mart'][i % 3]}.${TEAMS[i % TEAMS.length]}_table_${i}`;
  async function inParallel(work: (batch: number[]) => Promise<void>): Promise<void> {
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches.length) await work(batches[next++]);
    }));
  }
  await inParallel(async (batch) => {
    const m = batch.map((i) => `d${i}: registerDataset(input: { namespace: "postgres://warehouse", name: "${name(i)}", ownerTeam: "${TEAMS[i % TEAMS.length]}",
      domain: "${i % 2 ? 'sales' : 'finance'}", tags: ["${i % 10 === 0 ? 'gold' : 'bronze'}"], classifications: ${i % 4 === 0 ? '["PII"]' : '[]'} }) { id }
      r${i}: registerRun(input: { runId: "load-${i}", kind: DATA_PROCESSING, status: COMPLETED }) { id }`).join('\n');
    await gql(`mutation { ${m} }`);
  });
  const tDatasets = performance.now();
  await inParallel(async (batch) => {
    const urn = (i: number) => `urn:pedigree:dataset:postgres://warehouse/${name(i)}`;
    const m = batch.map((i) => `a${i}: registerDatasetVersion(input: { datasetUrn: "${urn(i)}", contentHash: "h${i}-1",
        columns: [{ name: "id", type: "bigint" }, { name: "email", type: "text", classifications: ["PII"] }], statistics: { rowCount: ${i * 10} } }) { id }
      b${i}: registerDatasetVersion(input: { datasetUrn: "${urn(i)}", contentHash: "h${i}-2", producedByRunUrn: "urn:pedigree:run:load-${i}" }) { id }`).join('\n');
    await gql(`mutation { ${m} }`);
  });
  const tVersions = performance.now();
  const registrations = DATASETS * 2;
  const versionRegs = DATASETS * 2;

  // --- measure reads
  async function measure(label: string, n: number, query: () => [string, Record<string, unknown>]): Promise<string[]> {
    const times: number[] = [];
    for (let i = 0; i < n + 10; i++) {
      const [q, v] = query();
      const s = performance.now();
      await gql(q, v);
      if (i >= 10) times.push(performance.now() - s); // the first 10 warm up
    }
    times.sort((a, b) => a - b);
    return [label, String(n), percentile(times, 50).toFixed(2), percentile(times, 99).toFixed(2)];
  }
  const page = `query($f: CatalogFilter, $first: Int) { datasets(filter: $f, first: $first) { edges { node { urn ownerTeam tags classifications
      latestVersion { urn version columns { name type } producedBy { urn status } } } } pageInfo { endCursor } } }`;
  const rows: string[][] = [];
  rows.push(await measure('dataset by URN (+ latest version, producing run)', 500, () => [
    `query($u: String!) { dataset(urn: $u) { urn latestVersion { urn producedBy { urn } } } }`,
    { u: `urn:pedigree:dataset:postgres://warehouse/${name(Math.floor(Math.random() * DATASETS))}` },
  ]));
  rows.push(await measure('page of 100 datasets, no filter', 200, () => [page, { first: 100 }]));
  rows.push(await measure('page of 100, ownerTeam filter (12.5%)', 200, () => [page, { first: 100, f: { ownerTeam: TEAMS[Math.floor(Math.random() * 8)] } }]));
  rows.push(await measure('page of 100, domain + classification (25%)', 200, () => [page, { first: 100, f: { domain: 'finance', classification: 'PII' } }]));
  rows.push(await measure('page of 100 datasets, URN only', 200, () => [`{ datasets(first: 100) { edges { node { urn } } } }`, {}]));
  rows.push(await measure('page of 100, tag filter (gold, 10%)', 200, () => [page, { first: 100, f: { tag: 'gold' } }]));
  rows.push(await measure('page of 100, name prefix', 200, () => [page, { first: 100, f: { namePrefix: `mart.${TEAMS[Math.floor(Math.random() * 8)]}` } }]));

  console.log(`\nPedigree catalog benchmark — ${DATASETS} datasets, ${DATASETS * 2} versions, ${DATASETS} runs`);
  console.log(`node ${process.version}, ${new Date().toISOString()}\n`);
  console.log('| write | registrations | seconds | per second |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(`| registerDataset + registerRun (batches of ${BATCH}, ${CONCURRENCY} in flight) | ${registrations} | ${((tDatasets - t0) / 1000).toFixed(1)} | ${(registrations / ((tDatasets - t0) / 1000)).toFixed(0)} |`);
  console.log(`| registerDatasetVersion (with columns, statistics, OUTPUT edge) | ${versionRegs} | ${((tVersions - tDatasets) / 1000).toFixed(1)} | ${(versionRegs / ((tVersions - tDatasets) / 1000)).toFixed(0)} |`);
  console.log('\n| read (GraphQL over HTTP, one client) | requests | p50 ms | p99 ms |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);

  const plans: [string, string][] = [
    ['unfiltered page', `SELECT n.id FROM node n JOIN dataset t ON t.id = n.id WHERE n.kind = 'dataset' ORDER BY n.id LIMIT 101`],
    ['domain + classification page', `SELECT n.id FROM node n JOIN dataset t ON t.id = n.id
      WHERE n.kind = 'dataset' AND n.domain = 'finance' AND n.classifications @> ARRAY['PII'] ORDER BY n.id LIMIT 101`],
  ];
  for (const [label, sql] of plans) {
    const plan = await app.database.dataSource.query(`EXPLAIN ANALYZE ${sql}`);
    console.log(`\nPlan of the ${label} query:\n${plan.map((r: Record<string, string>) => `    ${r['QUERY PLAN']}`).join('\n')}`);
  }

  await app.close();
  if (stopEmbedded) await stopEmbedded();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
