/**
 * Lineage benchmark: `npm run bench:lineage` (generate, load with COPY, measure; under 10 minutes).
 *
 * For each scale (BENCH_SCALES, default 10000,100000,1000000 nodes) it starts Pedigree on a fresh
 * embedded PostgreSQL, loads a generated graph (bench/lineage-graph.ts) with COPY, vacuums and analyzes it,
 * lets the database come to rest, and measures over the real GraphQL endpoint with an admin key (with `fetch`
 * and with one kept-alive connection), and as raw SQL (the same recursive CTE through `pg`), the three
 * interleaved on the same start nodes:
 * - 10-hop upstream lineage from random deployments and random model versions (BENCH_STARTS each, default 1000),
 *   also through a bare `node:http` server around the same statement (bench/lineage-http-floor.ts): the
 *   floor of any HTTP API over it, so the GraphQL / SQL ratio can be read against what HTTP and JSON alone cost;
 * - downstream from the wide node (10,000 readers at 100k+) with limit 1000: bounded, truncated.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { Client } from 'pg';
import { walkSql } from '../src/lineage/traversal.repository';
import { generateGraph, loadGraph } from './lineage-graph';
import { BenchApp, interleaved, keepAlivePost, latency, settle, startBenchApp, table } from './support';

const SCALES = (process.env.BENCH_SCALES ?? '10000,100000,1000000').split(',').map(Number);
const STARTS = Number(process.env.BENCH_STARTS ?? 1000);
const DEPTH = 10;
const LIMIT = 1000;

const GRAPHQL = `query($urn: String!, $direction: LineageDirection, $depth: Int, $limit: Int) {
  lineage(urn: $urn, direction: $direction, depth: $depth, limit: $limit) {
    nodes { urn kind name depth } edges { from to kind validFrom } truncated truncationReasons } }`;

type Row = (string | number)[];

/** Starts bench/lineage-http-floor.ts on the database; resolves with its URL and a stop function. */
async function startHttpFloor(databaseUrl: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(__dirname, 'lineage-http-floor.js')], {
    env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`lineage-http-floor exited with ${code}: ${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

async function measureScale(scale: number): Promise<{ rows: Row[]; load: Row }> {
  const bench: BenchApp = await startBenchApp({ GRAPHQL_MAX_COMPLEXITY: '1000000', DATABASE_POOL_SIZE: '4', PEDIGREE_SEARCH_INDEXER: 'false' }); // lineage alone: no background indexing of the COPYed graph
  const raw = new Client({ connectionString: bench.databaseUrl });
  await raw.connect();
  let floor: Awaited<ReturnType<typeof startHttpFloor>> | undefined;
  try {
    const t0 = performance.now();
    const graph = generateGraph(scale);
    const t1 = performance.now();
    const idOf = await loadGraph(bench.databaseUrl, graph, `s${scale}`);
    const t2 = performance.now();
    await settle(raw);
    const urns = new Map<string, string>();
    const urnOf = async (i: number) => {
      const id = idOf(i);
      if (!urns.has(id)) urns.set(id, (await raw.query(`SELECT urn FROM node WHERE id = $1`, [id])).rows[0].urn);
      return urns.get(id)!;
    };
    floor = await startHttpFloor(bench.databaseUrl);
    const bare = keepAlivePost(floor.url, '/walk');
    const rows: Row[] = [];
    let answerEdges = 0;
    for (const [label, pool] of [['deployment', graph.deployments], ['model version', graph.modelVersions]] as const) {
      const starts = Array.from({ length: STARTS }, (_, k) => pool[(k * 7919) % pool.length]);
      const startUrns: string[] = [];
      for (const s of starts) startUrns.push(await urnOf(s));
      const sql = walkSql('up', false);
      // GraphQL (fetch, and one kept-alive connection) and the raw statement (prepared, as the service runs it:
      // TraversalRepository names the statement) on the same start nodes, interleaved (see `interleaved`).
      const ask = (gql: BenchApp['gql']) => async (i: number) => {
        const d = await gql(GRAPHQL, { urn: startUrns[i % STARTS], direction: 'UPSTREAM', depth: DEPTH, limit: LIMIT });
        answerEdges += d.lineage.edges.length;
      };
      const [viaFetch, viaKeepAlive, rawSql, viaBareHttp] = await interleaved(STARTS, [
        ask(bench.gql),
        ask(bench.gqlKeepAlive),
        (i) => raw.query({ name: 'walk_up', text: sql, values: [startUrns[i % STARTS], DEPTH, LIMIT] }),
        (i) => bare({ urn: startUrns[i % STARTS], depth: DEPTH, limit: LIMIT }),
      ]);
      answerEdges /= 2;
      for (const [client, gql] of [['fetch', viaFetch], ['keep-alive', viaKeepAlive]] as const) {
        rows.push([`${scale.toLocaleString('en')} nodes: 10-hop upstream from a ${label} (${client})`, STARTS, (answerEdges / (STARTS + 10)).toFixed(0),
          gql.p50.toFixed(2), gql.p99.toFixed(2), rawSql.p50.toFixed(2), rawSql.p99.toFixed(2), (gql.p50 / rawSql.p50).toFixed(2), '', '']);
      }
      rows.push([`${scale.toLocaleString('en')} nodes: 10-hop upstream from a ${label} (bare HTTP around the SQL, keep-alive)`, STARTS, '',
        '', '', rawSql.p50.toFixed(2), rawSql.p99.toFixed(2), '', viaBareHttp.p50.toFixed(2), (viaBareHttp.p50 / rawSql.p50).toFixed(2)]);
      answerEdges = 0;
    }
    // The fixed price of any GraphQL request (HTTP, Apollo, authentication, guard, one tiny resolver).
    const trivial = await latency(STARTS, () => bench.gql(`{ me { name } }`));
    rows.push([`${scale.toLocaleString('en')} nodes: trivial query { me { name } } (fixed cost)`, STARTS, 0,
      trivial.p50.toFixed(2), trivial.p99.toFixed(2), '', '', '', '', '']);
    const wideUrn = await urnOf(graph.wide);
    let truncated = true;
    let wideEdges = 0;
    const wide = await latency(50, async () => {
      const d = await bench.gql(GRAPHQL, { urn: wideUrn, direction: 'DOWNSTREAM', depth: 2, limit: LIMIT });
      truncated &&= d.lineage.truncated && d.lineage.truncationReasons.includes('LIMIT');
      wideEdges = d.lineage.edges.length;
    });
    rows.push([`${scale.toLocaleString('en')} nodes: wide node downstream, limit ${LIMIT} (truncated: ${truncated})`, 50, wideEdges,
      wide.p50.toFixed(2), wide.p99.toFixed(2), '', '', '', '', '']);
    return {
      rows,
      load: [`${scale.toLocaleString('en')}`, graph.kinds.length, graph.from.length, ((t1 - t0) / 1000).toFixed(1), ((t2 - t1) / 1000).toFixed(1)],
    };
  } finally {
    await floor?.stop();
    await raw.end();
    await bench.close();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const rows: Row[] = [];
  const loads: Row[] = [];
  for (const scale of SCALES) {
    const r = await measureScale(scale);
    rows.push(...r.rows);
    loads.push(r.load);
    console.error(`scale ${scale} done after ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  console.log(`\nPedigree lineage benchmark — depth ${DEPTH}, limit ${LIMIT}, ${STARTS} start nodes per case`);
  console.log(`node ${process.version}, ${new Date().toISOString()}\n`);
  console.log(table(['graph', 'nodes', 'edges', 'generate s', 'COPY load + VACUUM (ANALYZE) s'], loads));
  console.log('');
  console.log(table(['query', 'requests', 'edges in answer (mean)', 'GraphQL p50 ms', 'GraphQL p99 ms', 'raw SQL p50 ms', 'raw SQL p99 ms', 'GraphQL / SQL (p50)', 'bare HTTP p50 ms', 'bare HTTP / SQL (p50)'], rows));
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
