/**
 * Access benchmark: what policy enforcement and the audit log cost, through the real GraphQL endpoint.
 *
 *   npm run bench:access                          # 20,000 datasets (default)
 *   BENCH_ACCESS_DATASETS=100000 npm run bench:access
 *
 * Generates datasets over 8 owner teams and 2 domains (a quarter of them PII), one version each with a
 * location, and a run reading 500 of those versions. Then measures the same reads as three personas — the
 * admin (no scope at all), a data scientist scoped by three policies (read everything but HR PII; data and
 * writes on their own team's) and an analyst (reader role) — and the audit chain's verification speed.
 */
import { BenchApp, inParallel, latency, sqlOn, startBenchApp, table } from './support';

const DATASETS = Number(process.env.BENCH_ACCESS_DATASETS ?? 20_000);
const BATCH = 50;
const TEAMS = ['team-a', 'risk', 'payments', 'search', 'ads', 'growth', 'ml-platform', 'finance'];
const FAN_IN = 500;

const name = (i: number) => `${['raw', 'staging', 'mart'][i % 3]}.${TEAMS[i % TEAMS.length]}_table_${i}`;
const urn = (i: number) => `urn:pedigree:dataset:postgres://warehouse/${name(i)}`;
const domain = (i: number) => (i % 2 ? 'sales' : 'hr');
const pii = (i: number) => i % 4 === 0;

async function generate(bench: BenchApp): Promise<{ rows: (string | number)[][]; mutations: number }> {
  const batches: number[][] = [];
  for (let i = 0; i < DATASETS; i += BATCH) batches.push(Array.from({ length: Math.min(BATCH, DATASETS - i) }, (_, k) => i + k));
  const t0 = performance.now();
  await inParallel(batches, 4, async (batch) => {
    const m = batch.map((i) => `d${i}: registerDataset(input: { namespace: "postgres://warehouse", name: "${name(i)}", ownerTeam: "${TEAMS[i % TEAMS.length]}",
      domain: "${domain(i)}", classifications: ${pii(i) ? '["PII"]' : '[]'}, description: "table ${i} of team ${TEAMS[i % TEAMS.length]}" }) { id }`);
    await bench.gql(`mutation { ${m.join('\n')} }`);
  });
  const t1 = performance.now();
  await inParallel(batches, 4, async (batch) => {
    const m = batch.map((i) => `v${i}: registerDatasetVersion(input: { datasetUrn: "${urn(i)}", locationUri: "s3://lake/${name(i)}" }) { id }`);
    await bench.gql(`mutation { ${m.join('\n')} }`);
  });
  const t2 = performance.now();
  const inputs = Array.from({ length: FAN_IN }, (_, k) => `"${urn(k)}@1"`).join(', ');
  await bench.gql(`mutation { registerRun(input: { runId: "fan-in", kind: DATA_PROCESSING, status: COMPLETED, ownerTeam: "team-a", domain: "sales", inputs: [${inputs}] }) { id } }`);
  return {
    mutations: DATASETS * 2 + 1,
    rows: [
      ['registerDataset (batches of 50 aliased mutations, 4 in flight), each audited', DATASETS, ((t1 - t0) / 1000).toFixed(1), (DATASETS / ((t1 - t0) / 1000)).toFixed(0)],
      ['registerDatasetVersion (same), each audited', DATASETS, ((t2 - t1) / 1000).toFixed(1), (DATASETS / ((t2 - t1) / 1000)).toFixed(0)],
    ],
  };
}

async function personas(bench: BenchApp): Promise<Record<string, string>> {
  const key = async (principal: string, roles: string[], teams: string[]) => {
    await bench.gql(`mutation($i: CreatePrincipalInput!) { createPrincipal(input: $i) { id } }`, { i: { name: principal, kind: 'USER', roles, teams } });
    return (await bench.gql(`mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key } }`, { i: { principalName: principal, name: 'bench' } })).createApiKey.key;
  };
  const put = (i: Record<string, unknown>) => bench.gql(`mutation($i: PolicyInput!) { putAccessPolicy(input: $i) { id } }`, { i });
  await put({ name: 'team-a-browse', effect: 'ALLOW', actions: ['READ'], teams: ['team-a'] });
  await put({ name: 'team-a-own', effect: 'ALLOW', actions: ['READ_DATA', 'WRITE'], teams: ['team-a'], ownerTeams: ['$callerTeams'] });
  await put({ name: 'no-hr-pii', effect: 'DENY', actions: ['READ', 'READ_DATA'], teams: ['team-a'], domains: ['hr'], classifications: ['PII'] });
  return { admin: 'bench-admin-key-0123456789abcdefghij', scientist: await key('scientist', [], ['team-a']), analyst: await key('analyst', ['READER'], ['biz']) };
}

async function measureReads(bench: BenchApp, keys: Record<string, string>): Promise<(string | number)[][]> {
  // URNs every persona may read (sales, or no PII), so the answers carry no errors.
  const readable = Array.from({ length: DATASETS }, (_, i) => i).filter((i) => domain(i) === 'sales' || !pii(i));
  const pick = () => readable[Math.floor(Math.random() * readable.length)];
  const cases: [string, number, () => [string, Record<string, unknown>]][] = [
    ['dataset by URN (+ latest version with location)', 300, () => [
      `query($u: String!) { dataset(urn: $u) { urn ownerTeam latestVersion { urn locationUri } } }`, { u: urn(pick()) }]],
    ['page of 100 datasets (+ latest version with location)', 200, () => [
      `{ datasets(first: 100) { edges { node { urn latestVersion { urn locationUri } } } } }`, {}]],
    ['search "table" (20 hits, all facets)', 200, () => [
      `{ search(query: "table", first: 20) { total hits { entity { ... on Dataset { urn } } } facets { domains { value count } classifications { value count } } } }`, {}]],
    [`lineage of a run reading ${FAN_IN} versions (depth 1)`, 100, () => [
      `{ lineage(urn: "urn:pedigree:run:fan-in", depth: 1) { nodes { id urn redacted } edges { fromId toId } } }`, {}]],
  ];
  const rows: (string | number)[][] = [];
  for (const [label, n, next] of cases) {
    for (const persona of Object.keys(keys)) {
      const { p50, p99 } = await latency(n, () => bench.gql(...next(), keys[persona]), 20);
      rows.push([label, persona, n, p50.toFixed(2), p99.toFixed(2)]);
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const bench = await startBenchApp({ GRAPHQL_MAX_COMPLEXITY: '1000000' });
  try {
    const writes = await generate(bench);
    const keys = await personas(bench);
    await sqlOn(bench.databaseUrl, 'ANALYZE');
    // Let the search indexer catch up before timing search.
    for (let i = 0; i < 600; i++) {
      const [{ n }] = await sqlOn<{ n: number }>(bench.databaseUrl, `SELECT count(*)::int AS n FROM search_outbox`);
      if (n === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const reads = await measureReads(bench, keys);
    const [{ entries }] = await sqlOn<{ entries: number }>(bench.databaseUrl, `SELECT count(*)::int AS entries FROM audit_log`);
    const t0 = performance.now();
    const verified = (await bench.gql(`{ verifyAuditLog { ok checked } }`)).verifyAuditLog;
    const seconds = (performance.now() - t0) / 1000;
    if (!verified.ok) throw new Error('the audit chain did not verify');
    console.log(`\nPedigree access benchmark — ${DATASETS} datasets (${DATASETS} versions), ${writes.mutations} audited mutations`);
    console.log(`node ${process.version}, ${new Date().toISOString()}\n`);
    console.log(table(['write', 'entities', 'seconds', 'per second'], writes.rows));
    console.log(`\n${table(['read (GraphQL over HTTP, one client)', 'persona', 'requests', 'p50 ms', 'p99 ms'], reads)}`);
    console.log(`\n${table(['audit chain', 'entries', 'seconds', 'entries per second'], [
      ['verifyAuditLog (whole chain)', verified.checked, seconds.toFixed(2), (verified.checked / seconds).toFixed(0)],
    ])}`);
    if (entries !== verified.checked) throw new Error(`verified ${verified.checked} of ${entries} entries`);
  } finally {
    await bench.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
