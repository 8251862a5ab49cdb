/**
 * Search benchmark: `npm run bench:search`.
 *
 * 1. Relevance: registers BENCH_SEARCH_DATASETS (default 2,000) generated datasets (with a version carrying
 *    their columns) through GraphQL, waits for the outbox to drain, runs the judged queries
 *    (bench/search-catalog.ts: 55 queries — exact names, name words, typos, camelCase entities, column names)
 *    and reports nDCG@10 and recall@10 (relevant found in the top 10 / min(10, relevant)).
 * 2. Speed: COPYs BENCH_SEARCH_ENTITIES (default 1,000,000) more datasets straight into the catalog tables (the
 *    outbox triggers fire for COPY too), measures indexing throughput through the outbox (entities/s until it
 *    is empty), vacuums and lets the database come to rest, then search p50/p99 over 1,000 queries and
 *    suggest p50/p99 over 1,000 prefixes (each after 100 untimed), through GraphQL with `fetch` and with one
 *    kept-alive connection, interleaved.
 */
import { Client } from 'pg';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { generateDatasets, judgedQueries, score } from './search-catalog';
import { BenchApp, benchMain, inParallel, interleaved, outboxEmpty, settle, table } from './support';
import { rng } from '../test/support/random';

const DATASETS = Number(process.env.BENCH_SEARCH_DATASETS ?? 2000);
const ENTITIES = Number(process.env.BENCH_SEARCH_ENTITIES ?? 1_000_000);
const SPEED_REQUESTS = 1000;

async function register(bench: BenchApp, datasets: ReturnType<typeof generateDatasets>): Promise<void> {
  const batches: (typeof datasets)[] = [];
  for (let i = 0; i < datasets.length; i += 25) batches.push(datasets.slice(i, i + 25));
  await inParallel(batches, 2, async (batch) => {
    const vars: Record<string, unknown> = {};
    const fields = batch.map((d, i) => {
      vars[`d${i}`] = { namespace: d.namespace, name: d.name, description: d.description, domain: d.domain, ownerTeam: d.ownerTeam, tags: d.tags, classifications: d.classifications };
      return `r${i}: registerDataset(input: $d${i}) { urn }`;
    });
    const decl = batch.map((_, i) => `$d${i}: RegisterDatasetInput!`).join(', ');
    const created = await bench.gql(`mutation(${decl}) { ${fields.join(' ')} }`, vars);
    const vvars: Record<string, unknown> = {};
    const vfields = batch.map((d, i) => {
      vvars[`v${i}`] = { datasetUrn: created[`r${i}`].urn, columns: d.columns };
      return `r${i}: registerDatasetVersion(input: $v${i}) { urn }`;
    });
    await bench.gql(`mutation(${batch.map((_, i) => `$v${i}: RegisterDatasetVersionInput!`).join(', ')}) { ${vfields.join(' ')} }`, vvars);
  });
}

async function relevance(bench: BenchApp, sql: Client): Promise<(string | number)[][]> {
  const datasets = generateDatasets(DATASETS);
  const t0 = performance.now();
  await register(bench, datasets);
  await outboxEmpty(sql);
  console.log(`registered and indexed ${datasets.length} datasets in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const queries = judgedQueries(datasets);
  const byKind = new Map<string, { ndcg: number; recall: number; n: number }>();
  const all = { ndcg: 0, recall: 0, n: 0 };
  const misses: string[] = [];
  for (const q of queries) {
    const d = await bench.gql(`query($q: String!) { search(query: $q, first: 10) { hits { entity { name } } } }`, { q: q.query });
    const ranked = d.search.hits.map((h: { entity: { name: string } }) => h.entity.name);
    const s = score(ranked, q.relevant);
    if (s.ndcg < 0.5) misses.push(`${q.kind} "${q.query}": nDCG ${s.ndcg.toFixed(2)}, top 3 ${ranked.slice(0, 3).join(', ')}`);
    for (const acc of [all, byKind.get(q.kind) ?? byKind.set(q.kind, { ndcg: 0, recall: 0, n: 0 }).get(q.kind)!]) {
      acc.ndcg += s.ndcg;
      acc.recall += s.recall;
      acc.n += 1;
    }
  }
  if (misses.length) console.log(`queries below nDCG 0.5:\n  ${misses.join('\n  ')}`);
  return [...[...byKind].map(([k, v]) => [k, v.n, (v.ndcg / v.n).toFixed(3), (v.recall / v.n).toFixed(3)]), ['all', all.n, (all.ndcg / all.n).toFixed(3), (all.recall / all.n).toFixed(3)]];
}

async function copyCatalog(url: string, count: number): Promise<void> {
  const datasets = generateDatasets(count, 99);
  const client = new Client({ connectionString: url });
  await client.connect();
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, ' ').replace(/\n/g, ' ');
  const arr = (xs: string[]) => `{${xs.join(',')}}`;
  try {
    await client.query('BEGIN');
    const lines = function* () {
      let buf = '';
      for (let i = 0; i < datasets.length; i++) {
        const d = datasets[i];
        const name = `${d.name}_${i}`;
        buf += `dataset\turn:pedigree:dataset:${esc(d.namespace)}/${esc(name)}\t${esc(name)}\t${esc(d.description)}\t${d.domain}\t${d.ownerTeam}\t${arr(d.tags)}\t${arr(d.classifications)}\n`;
        if (buf.length > 1_000_000) {
          yield buf;
          buf = '';
        }
      }
      if (buf) yield buf;
    };
    await pipeline(Readable.from(lines()), client.query(copyFrom(`COPY node (kind, urn, name, description, domain, owner_team, tags, classifications) FROM STDIN`)));
    const [{ min }] = (await client.query(`SELECT min(id)::text AS min FROM node WHERE urn LIKE 'urn:pedigree:dataset:%\\_0' ESCAPE '\\' AND kind = 'dataset' AND id > (SELECT COALESCE(max(id), 0) FROM dataset)`)).rows;
    const base = Number(min);
    const rows = function* () {
      let buf = '';
      for (let i = 0; i < datasets.length; i++) {
        buf += `${base + i}\t${esc(datasets[i].namespace)}\t${esc(`${datasets[i].name}_${i}`)}\n`;
        if (buf.length > 1_000_000) {
          yield buf;
          buf = '';
        }
      }
      if (buf) yield buf;
    };
    await pipeline(Readable.from(rows()), client.query(copyFrom(`COPY dataset (id, namespace, name) FROM STDIN`)));
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

async function speed(bench: BenchApp, sql: Client): Promise<(string | number)[][]> {
  let t0 = performance.now();
  await copyCatalog(bench.databaseUrl, ENTITIES);
  console.log(`COPYed ${ENTITIES} datasets in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  t0 = performance.now();
  await outboxEmpty(sql);
  const indexSeconds = (performance.now() - t0) / 1000;
  console.log(`indexed them through the outbox in ${indexSeconds.toFixed(1)} s = ${Math.round(ENTITIES / indexSeconds)} entities/s`);
  // Timed as a catalog in service: vacuumed and analyzed (the million COPYed rows leave GIN pending lists and
  // unset visibility maps behind), checkpointed, autovacuum done.
  await sql.query('VACUUM (ANALYZE)');
  const settled = await settle(sql);
  console.log(`vacuumed and settled in ${((performance.now() - t0) / 1000 - indexSeconds).toFixed(0)} s (${settled.toFixed(0)} s settling)`);
  const random = rng(5);
  const vocab = ['customers', 'orders', 'daily', 'payments eu', 'invoices monthly', 'shipping address', 'web sessions', 'fraud', 'custmer', 'ordr items', 'inventory snapshot', 'refunds', 'exchange rates', 'support tickets apac', 'subscriptions mrr', 'campaign budget', 'employees', 'transactions latest', 'products brand', 'clicks'];
  const queries = Array.from({ length: SPEED_REQUESTS + 100 }, () => vocab[Math.floor(random() * vocab.length)]);
  const SEARCH = `query($q: String!) { search(query: $q, first: 10) { total hits { score entity { urn name } highlights { field fragment } } facets { kinds { value count } domains { value count } } } }`;
  // Steady state: 1,000 timed requests after 100 untimed (a fresh service compiles its GraphQL path first),
  // with `fetch` and with one kept-alive connection, interleaved on the same queries.
  const [search, searchKeepAlive] = await interleaved(SPEED_REQUESTS, [bench.gql, bench.gqlKeepAlive].map((gql) => (i: number) => gql(SEARCH, { q: queries[i] })), 100);
  const prefixes = ['cust', 'ord', 'pay', 'inv', 'ship', 'web', 'fra', 'ref', 'exc', 'sup', 'public.cu', 'mart.or', 'analytics.pa'];
  const starts = Array.from({ length: SPEED_REQUESTS + 100 }, () => prefixes[Math.floor(random() * prefixes.length)]);
  const SUGGEST = `query($p: String!) { suggest(prefix: $p) { urn } }`;
  const [suggest, suggestKeepAlive] = await interleaved(SPEED_REQUESTS, [bench.gql, bench.gqlKeepAlive].map((gql) => (i: number) => gql(SUGGEST, { p: starts[i] })), 100);
  return [
    [`indexing through the outbox (${ENTITIES.toLocaleString('en-US')} datasets)`, `${Math.round(ENTITIES / indexSeconds)} entities/s`, '', ''],
    ['search (first 10, highlights, facets), fetch', SPEED_REQUESTS, search.p50.toFixed(2), search.p99.toFixed(2)],
    ['search (first 10, highlights, facets), keep-alive', SPEED_REQUESTS, searchKeepAlive.p50.toFixed(2), searchKeepAlive.p99.toFixed(2)],
    ['suggest, fetch', SPEED_REQUESTS, suggest.p50.toFixed(2), suggest.p99.toFixed(2)],
    ['suggest, keep-alive', SPEED_REQUESTS, suggestKeepAlive.p50.toFixed(2), suggestKeepAlive.p99.toFixed(2)],
  ];
}

console.log(`Pedigree search benchmark — ${DATASETS} judged-catalog datasets, ${ENTITIES} entities for speed`);
console.log(`node ${process.version}, ${new Date().toISOString()}\n`);
benchMain({ DATABASE_POOL_SIZE: '6' }, async (bench, sql) => {
  const rel = await relevance(bench, sql);
  const spd = ENTITIES ? await speed(bench, sql) : [];
  console.log();
  console.log(table(['judged queries', 'queries', 'nDCG@10', 'recall@10'], rel));
  console.log();
  console.log(table(['at scale', 'requests', 'p50 ms', 'p99 ms'], spd));
});
