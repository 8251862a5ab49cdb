/**
 * Catalog benchmark: registration throughput and read latency through the real GraphQL endpoint.
 *
 *   npm run bench:catalog                      # 10,000 datasets (default)
 *   BENCH_DATASETS=50000 npm run bench:catalog
 *
 * Generates datasets (owner teams, domains, tags and PII spread over them), one run each and two versions
 * each (the second produced by the run), then measures reads with one client and prints the query plans.
 */
import { BenchApp, inParallel, latency, sqlOn, startBenchApp, table } from './support';

const DATASETS = Number(process.env.BENCH_DATASETS ?? 10_000);
const BATCH = 50; // registrations per GraphQL request (aliased mutations)
const CONCURRENCY = 4;
const TEAMS = ['crm', 'risk', 'payments', 'search', 'ads', 'growth', 'ml-platform', 'finance'];

const name = (i: number) => `${['raw', 'staging', 'mart'][i % 3]}.${TEAMS[i % TEAMS.length]}_table_${i}`;
const urn = (i: number) => `urn:pedigree:dataset:postgres://warehouse/${name(i)}`;
const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];

async function generate(bench: BenchApp): Promise<(string | number)[][]> {
  const batches: number[][] = [];
  for (let i = 0; i < DATASETS; i += BATCH) batches.push(Array.from({ length: Math.min(BATCH, DATASETS - i) }, (_, k) => i + k));
  const t0 = performance.now();
  await inParallel(batches, CONCURRENCY, async (batch) => {
    const m = batch.map((i) => `d${i}: registerDataset(input: { namespace: "postgres://warehouse", name: "${name(i)}", ownerTeam: "${TEAMS[i % TEAMS.length]}",
      domain: "${i % 2 ? 'sales' : 'finance'}", tags: ["${i % 10 === 0 ? 'gold' : 'bronze'}"], classifications: ${i % 4 === 0 ? '["PII"]' : '[]'} }) { id }
      r${i}: registerRun(input: { runId: "load-${i}", kind: DATA_PROCESSING, status: COMPLETED }) { id }`);
    await bench.gql(`mutation { ${m.join('\n')} }`);
  });
  const t1 = performance.now();
  await inParallel(batches, CONCURRENCY, async (batch) => {
    const m = batch.map((i) => `a${i}: registerDatasetVersion(input: { datasetUrn: "${urn(i)}", contentHash: "h${i}-1",
        columns: [{ name: "id", type: "bigint" }, { name: "email", type: "text", classifications: ["PII"] }], statistics: { rowCount: ${i * 10} } }) { id }
      b${i}: registerDatasetVersion(input: { datasetUrn: "${urn(i)}", contentHash: "h${i}-2", producedByRunUrn: "urn:pedigree:run:load-${i}" }) { id }`);
    await bench.gql(`mutation { ${m.join('\n')} }`);
  });
  const t2 = performance.now();
  const n = DATASETS * 2;
  return [
    [`registerDataset + registerRun (batches of ${BATCH}, ${CONCURRENCY} in flight)`, n, ((t1 - t0) / 1000).toFixed(1), (n / ((t1 - t0) / 1000)).toFixed(0)],
    ['registerDatasetVersion (with columns, statistics, OUTPUT edge)', n, ((t2 - t1) / 1000).toFixed(1), (n / ((t2 - t1) / 1000)).toFixed(0)],
  ];
}

async function measureReads(bench: BenchApp): Promise<(string | number)[][]> {
  const page = `query($f: CatalogFilter, $first: Int) { datasets(filter: $f, first: $first) { edges { node { urn ownerTeam tags classifications
      latestVersion { urn version columns { name type } producedBy { urn status } } } } pageInfo { endCursor } } }`;
  const cases: [string, number, () => [string, Record<string, unknown>]][] = [
    ['dataset by URN (+ latest version, producing run)', 500, () => [
      `query($u: String!) { dataset(urn: $u) { urn latestVersion { urn producedBy { urn } } } }`, { u: urn(Math.floor(Math.random() * DATASETS)) }]],
    ['page of 100 datasets, no filter', 200, () => [page, { first: 100 }]],
    ['page of 100, ownerTeam filter (12.5%)', 200, () => [page, { first: 100, f: { ownerTeam: pick(TEAMS) } }]],
    ['page of 100, domain + classification (25%)', 200, () => [page, { first: 100, f: { domain: 'finance', classification: 'PII' } }]],
    ['page of 100 datasets, URN only', 200, () => [`{ datasets(first: 100) { edges { node { urn } } } }`, {}]],
    ['page of 100, tag filter (gold, 10%)', 200, () => [page, { first: 100, f: { tag: 'gold' } }]],
    ['page of 100, name prefix', 200, () => [page, { first: 100, f: { namePrefix: `mart.${pick(TEAMS)}` } }]],
  ];
  const rows: (string | number)[][] = [];
  for (const [label, n, next] of cases) {
    const { p50, p99 } = await latency(n, () => bench.gql(...next()));
    rows.push([label, n, p50.toFixed(2), p99.toFixed(2)]);
  }
  return rows;
}

async function plans(bench: BenchApp): Promise<string> {
  const queries: [string, string][] = [
    ['unfiltered page', `SELECT n.id FROM node n JOIN dataset t ON t.id = n.id WHERE n.kind = 'dataset' ORDER BY n.id LIMIT 101`],
    ['domain + classification page', `SELECT n.id FROM node n JOIN dataset t ON t.id = n.id
      WHERE n.kind = 'dataset' AND n.domain = 'finance' AND n.classifications @> ARRAY['PII'] ORDER BY n.id LIMIT 101`],
  ];
  const out: string[] = [];
  for (const [label, sql] of queries) {
    const plan = await sqlOn<Record<string, string>>(bench.databaseUrl, `EXPLAIN ANALYZE ${sql}`);
    out.push(`Plan of the ${label} query:\n${plan.map((r) => `    ${r['QUERY PLAN']}`).join('\n')}`);
  }
  return out.join('\n\n');
}

async function main(): Promise<void> {
  const bench = await startBenchApp({ GRAPHQL_MAX_COMPLEXITY: '1000000' });
  try {
    const writes = await generate(bench);
    // Steady state: autovacuum would have analyzed the freshly loaded tables by now; don't wait for it.
    await sqlOn(bench.databaseUrl, 'ANALYZE');
    const reads = await measureReads(bench);
    console.log(`\nPedigree catalog benchmark — ${DATASETS} datasets, ${DATASETS * 2} versions, ${DATASETS} runs`);
    console.log(`node ${process.version}, ${new Date().toISOString()}\n`);
    console.log(table(['write', 'registrations', 'seconds', 'per second'], writes));
    console.log(`\n${table(['read (GraphQL over HTTP, one client)', 'requests', 'p50 ms', 'p99 ms'], reads)}\n`);
    console.log(await plans(bench));
  } finally {
    await bench.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
