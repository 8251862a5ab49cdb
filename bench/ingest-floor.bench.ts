/**
 * What this machine can write of the ingestion benchmark's rows at all: `npm run bench:ingest-floor`.
 *
 * The rows of BENCH_FLOOR_EVENTS (default 20,000) OpenLineage COMPLETE events — the generator of
 * `bench:ingest` — inserted with plain batched SQL (`plainSqlInsert`: no service, no validation, no receipts,
 * no merging, version numbers kept in memory), after a warm-up of as many events, on a fresh database with
 * the service's search indexer off, six ways:
 *
 * 1. the schema as migrated, one connection;
 * 2. the schema as migrated, two connections on disjoint datasets (nothing shared, no lock waited for);
 * 3. the schema as migrated, two connections, with COPY (node ids drawn from the sequence first);
 * 4.–6. the same three after stripping what a graph needs least: the search outbox triggers, the node table's
 *    filter indexes (owner team, domain, name prefix, tags, classifications) and the foreign keys of `run`
 *    and `dataset_version`.
 *
 * The last line is an upper bound for any pipeline that stores these events as this data model does — before
 * parsing, validating or indexing anything — and so the yardstick for issue 4's 5,000 events/s target.
 */
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { generateEvents } from './ingest-events';
import { onTwoConnections, plainCopyInsert, plainSqlInsert, PlainWriter } from './ingest-plain-sql';
import { benchMain, table } from './support';

const N = Number(process.env.BENCH_FLOOR_EVENTS ?? 20_000);

/** Busy and total CPU ticks of the machine (Linux /proc/stat), to tell how much of it a way of writing used. */
function cpuTicks(): { busy: number; total: number } | undefined {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - f[3] - f[4], total };
  } catch {
    return undefined;
  }
}

const STRIP = `
  DROP TRIGGER node_search_insert ON node; DROP TRIGGER node_search_update ON node; DROP TRIGGER edge_search_insert ON edge;
  DROP INDEX node_kind_owner_team, node_kind_domain, node_kind_name, node_tags, node_classifications;
  ALTER TABLE run DROP CONSTRAINT run_id_fkey;
  ALTER TABLE dataset_version DROP CONSTRAINT dataset_version_id_fkey, DROP CONSTRAINT dataset_version_dataset_id_fkey`;

benchMain({ PEDIGREE_SEARCH_INDEXER: 'false', DATABASE_POOL_SIZE: '2' }, async (bench, sql) => {
  console.log(`Ingestion floor — the rows of ${N} OpenLineage events with plain batched SQL (node ${process.version}, ${new Date().toISOString()})\n`);
  const second = new Client({ connectionString: bench.databaseUrl });
  await second.connect();
  try {
    const events = generateEvents(N).map((e) => JSON.parse(e.json));
    let round = 0;
    const measure = async (label: string, connections: 1 | 2, write: PlainWriter = plainSqlInsert) => {
      const prefix = `floor${round++}`;
      const t = performance.now();
      const c0 = cpuTicks();
      if (connections === 1) await write(sql, events, 500, prefix);
      else await onTwoConnections(write, [sql, second], events, 500, prefix);
      const s = (performance.now() - t) / 1000;
      const c1 = cpuTicks();
      const busy = c0 && c1 ? `${Math.round((100 * (c1.busy - c0.busy)) / (c1.total - c0.total))} %` : '';
      return [label, N, s.toFixed(1), Math.round(N / s), busy];
    };
    await measure('warm-up', 1);
    const rows = [
      await measure('schema as migrated, 1 connection', 1),
      await measure('schema as migrated, 2 connections, disjoint datasets', 2),
      await measure('schema as migrated, COPY, 2 connections, disjoint datasets', 2, plainCopyInsert),
    ];
    await sql.query(STRIP);
    rows.push(await measure('stripped (no search triggers, node filter indexes, run/version foreign keys), 1 connection', 1));
    rows.push(await measure('stripped, 2 connections, disjoint datasets', 2));
    rows.push(await measure('stripped, COPY, 2 connections, disjoint datasets', 2, plainCopyInsert));
    console.log(table(['plain SQL', 'events', 'seconds', 'events/s', 'machine busy'], rows));
  } finally {
    await second.end();
  }
});
