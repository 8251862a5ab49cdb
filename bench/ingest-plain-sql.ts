/**
 * The floor for the ingestion benchmark: the rows an OpenLineage COMPLETE event becomes (run node and row,
 * one version node and row per output, INPUT and OUTPUT edges, latest-version bookkeeping), inserted with plain batched
 * SQL — no validation, no receipts, no merge rules, version numbers assigned in memory. Datasets are created
 * up front under their own namespace so nothing collides with what the pipeline wrote.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

interface Ds {
  namespace: string;
  name: string;
  facets: { schema: { fields: { name: string; type: string }[] } };
}
export interface Ev {
  run: { runId: string };
  job: { namespace: string; name: string };
  eventTime: string;
  inputs: Ds[];
  outputs: Ds[];
}

/** Creates every dataset the events name, under `prefix`, up front; returns their ids by `<prefix>/<name>`. */
async function createDatasets(sql: Client, events: Ev[], prefix: string): Promise<Map<string, string>> {
  const names = [...new Set(events.flatMap((e) => [...e.inputs, ...e.outputs].map((d) => `${prefix}/${d.name}`)))];
  const created = await sql.query(
    `WITH n AS (INSERT INTO node (kind, urn, name) SELECT 'dataset', 'urn:pedigree:dataset:' || x, x FROM unnest($1::text[]) x RETURNING id, name)
     INSERT INTO dataset (id, namespace, name) SELECT id, $2, name FROM n RETURNING id::text, name`,
    [names, prefix],
  );
  return new Map(created.rows.map((r) => [r.name as string, r.id as string]));
}

/**
 * `prefix` names the datasets and runs this call writes (`<prefix>/<table>`, `<prefix>-<runId>`): calls with
 * different prefixes share no rows, so they can run side by side on separate connections without waiting
 * for each other's locks.
 */
export async function plainSqlInsert(sql: Client, events: Ev[], batch: number, prefix = 'plain'): Promise<void> {
  const ids = await createDatasets(sql, events, prefix);
  const latest = new Map<string, number>();
  const inputVersion = new Map<string, string>();
  for (let i = 0; i < events.length; i += batch) {
    const chunk = events.slice(i, i + batch);
    await sql.query('BEGIN');
    const runs = await sql.query(
      `INSERT INTO node (kind, urn, name) SELECT 'run', 'urn:pedigree:run:' || $3 || '-' || r, j FROM unnest($1::text[], $2::text[]) AS x(r, j) RETURNING id::text`,
      [chunk.map((e) => e.run.runId), chunk.map((e) => e.job.name), prefix],
    );
    const runIds = runs.rows.map((r) => r.id);
    await sql.query(
      `INSERT INTO run (id, run_key, kind, status, ended_at) SELECT id, $4 || '-' || k, 'pipeline_step', 'completed', t
         FROM unnest($1::bigint[], $2::text[], $3::timestamptz[]) AS x(id, k, t)`,
      [runIds, chunk.map((e) => e.run.runId), chunk.map((e) => e.eventTime), prefix],
    );
    const outs = chunk.flatMap((e, k) => e.outputs.map((d) => {
      const name = `${prefix}/${d.name}`;
      const v = (latest.get(name) ?? 0) + 1;
      latest.set(name, v);
      return { run: runIds[k], dataset: ids.get(name)!, name, v, columns: JSON.stringify(d.facets.schema.fields.map((f) => ({ ...f, description: null, classifications: [] }))) };
    }));
    const versions = await sql.query(
      `INSERT INTO node (kind, urn, name, parent_id) SELECT 'dataset_version', 'urn:pedigree:dataset:' || n || '@' || v, n || '@' || v, d
         FROM unnest($1::text[], $2::int[], $3::bigint[]) AS x(n, v, d) RETURNING id::text`,
      [outs.map((o) => o.name), outs.map((o) => o.v), outs.map((o) => o.dataset)],
    );
    await sql.query(
      `INSERT INTO dataset_version (id, dataset_id, version, columns) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::jsonb[])`,
      [versions.rows.map((r) => r.id), outs.map((o) => o.dataset), outs.map((o) => o.v), outs.map((o) => o.columns)],
    );
    await sql.query(`UPDATE dataset d SET latest_version = x.v FROM unnest($1::bigint[], $2::int[]) AS x(id, v) WHERE d.id = x.id`, [
      outs.map((o) => o.dataset), outs.map((o) => o.v),
    ]);
    // Inputs read the latest version; a dataset never written gets a first version once.
    const missing = [...new Set(chunk.flatMap((e) => e.inputs.map((d) => `${prefix}/${d.name}`)))].filter((n) => !inputVersion.has(n) && !latest.has(n));
    if (missing.length) {
      const first = await sql.query(
        `INSERT INTO node (kind, urn, name, parent_id) SELECT 'dataset_version', 'urn:pedigree:dataset:' || n || '@0', n || '@0', d
           FROM unnest($1::text[], $2::bigint[]) AS x(n, d) RETURNING id::text, name`,
        [missing, missing.map((n) => ids.get(n))],
      );
      await sql.query(`INSERT INTO dataset_version (id, dataset_id, version) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[])`, [
        first.rows.map((r) => r.id), missing.map((n) => ids.get(n)), missing.map(() => 1_000_000),
      ]);
      first.rows.forEach((r, k) => inputVersion.set(missing[k], r.id));
    }
    versions.rows.forEach((r, k) => inputVersion.set(outs[k].name, r.id));
    const edges = chunk.flatMap((e, k) => [
      ...e.inputs.map((d) => [inputVersion.get(`${prefix}/${d.name}`)!, runIds[k], 'INPUT', e.eventTime]),
    ]).concat(outs.map((o, k) => [o.run, versions.rows[k].id, 'OUTPUT', chunk[0].eventTime]));
    await sql.query(
      `INSERT INTO edge (from_node, to_node, kind, valid_from) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[])
       ON CONFLICT DO NOTHING`,
      [edges.map((e) => e[0]), edges.map((e) => e[1]), edges.map((e) => e[2]), edges.map((e) => e[3])],
    );
    await sql.query('COMMIT');
  }
}

/** Rows as COPY text: tab-separated, `\N` for null (the values here hold no tabs, newlines or backslashes). */
const copyLine = (values: (string | number | null)[]): string => `${values.map((v) => (v === null ? '\\N' : String(v))).join('\t')}\n`;

async function copyRows(sql: Client, table: string, columns: string[], rows: (string | number | null)[][]): Promise<void> {
  if (!rows.length) return;
  await pipeline(Readable.from([rows.map(copyLine).join('')]), sql.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
}

/**
 * The same rows as `plainSqlInsert`, written with COPY: node ids taken from the identity sequence in one
 * statement per batch, then one COPY per table — the cheapest way PostgreSQL takes rows, for the floor.
 */
export async function plainCopyInsert(sql: Client, events: Ev[], batch: number, prefix = 'plain'): Promise<void> {
  const ids = await createDatasets(sql, events, prefix);
  const latest = new Map<string, number>();
  const inputVersion = new Map<string, string>();
  for (let i = 0; i < events.length; i += batch) {
    const chunk = events.slice(i, i + batch);
    const missing = [...new Set(chunk.flatMap((e) => e.inputs.map((d) => `${prefix}/${d.name}`)))].filter((n) => !inputVersion.has(n) && !latest.has(n));
    const outputs = chunk.reduce((n, e) => n + e.outputs.length, 0);
    await sql.query('BEGIN');
    const allocated = (await sql.query(`SELECT nextval(pg_get_serial_sequence('node', 'id'))::text AS id FROM generate_series(1, $1)`, [chunk.length + outputs + missing.length])).rows.map((r) => r.id as string);
    let next = 0;
    const nodes: (string | number | null)[][] = [];
    const runs: (string | number | null)[][] = [];
    const versions: (string | number | null)[][] = [];
    const edges: (string | number | null)[][] = [];
    for (const n of missing) {
      const id = allocated[next++];
      nodes.push([id, 'dataset_version', `urn:pedigree:dataset:${n}@0`, `${n}@0`, ids.get(n)!]);
      versions.push([id, ids.get(n)!, 1_000_000, '[]']);
      inputVersion.set(n, id);
    }
    const bumped = new Map<string, number>();
    for (const e of chunk) {
      const run = allocated[next++];
      nodes.push([run, 'run', `urn:pedigree:run:${prefix}-${e.run.runId}`, e.job.name, null]);
      runs.push([run, `${prefix}-${e.run.runId}`, 'pipeline_step', 'completed', e.eventTime]);
      // An event may name one input twice: one edge (the INSERT variant's ON CONFLICT DO NOTHING).
      for (const from of new Set(e.inputs.map((d) => inputVersion.get(`${prefix}/${d.name}`)!))) edges.push([from, run, 'INPUT', e.eventTime]);
      for (const d of e.outputs) {
        const name = `${prefix}/${d.name}`;
        const v = (latest.get(name) ?? 0) + 1;
        const id = allocated[next++];
        latest.set(name, v);
        bumped.set(ids.get(name)!, v);
        const columns = JSON.stringify(d.facets.schema.fields.map((f) => ({ ...f, description: null, classifications: [] })));
        nodes.push([id, 'dataset_version', `urn:pedigree:dataset:${name}@${v}`, `${name}@${v}`, ids.get(name)!]);
        versions.push([id, ids.get(name)!, v, columns]);
        edges.push([run, id, 'OUTPUT', e.eventTime]);
        inputVersion.set(name, id);
      }
    }
    await copyRows(sql, 'node', ['id', 'kind', 'urn', 'name', 'parent_id'], nodes);
    await copyRows(sql, 'run', ['id', 'run_key', 'kind', 'status', 'ended_at'], runs);
    await copyRows(sql, 'dataset_version', ['id', 'dataset_id', 'version', 'columns'], versions);
    await sql.query(`UPDATE dataset d SET latest_version = x.v FROM unnest($1::bigint[], $2::int[]) AS x(id, v) WHERE d.id = x.id`, [[...bumped.keys()], [...bumped.values()]]);
    await copyRows(sql, 'edge', ['from_node', 'to_node', 'kind', 'valid_from'], edges);
    await sql.query('COMMIT');
  }
}

export type PlainWriter = (sql: Client, events: Ev[], batch: number, prefix?: string) => Promise<void>;

/**
 * `write` on two connections at once, half of the events each under its own prefix (`<prefix>a`, `<prefix>b`):
 * no dataset shared, no lock waited for — what both cores write of these rows.
 */
export async function onTwoConnections(write: PlainWriter, [a, b]: [Client, Client], events: Ev[], batch: number, prefix: string): Promise<void> {
  const half = Math.ceil(events.length / 2);
  await Promise.all([write(a, events.slice(0, half), batch, `${prefix}a`), write(b, events.slice(half), batch, `${prefix}b`)]);
}
