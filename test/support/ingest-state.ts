/**
 * The catalog state an ingestion scenario leaves behind, read straight from the tables and normalized
 * (run ids and name prefixes replaced by logical names), so two applications of the same events — in
 * different orders, batches or repetitions — can be compared for equality.
 */
import { Db } from '../../src/platform/database/db';

export async function ingestState(db: Db, prefix: string, names: Map<string, string>): Promise<string[]> {
  const norm = (s: unknown) => {
    let t = typeof s === 'string' ? s : JSON.stringify(s);
    for (const [raw, logical] of names) t = t.split(raw).join(logical);
    return t.split(prefix).join('<p>');
  };
  const like = `%${prefix}%`;
  const runKeys = [...names.keys()];
  const rows = await Promise.all([
    db.query(
      `SELECT 'run' AS t, r.run_key, r.kind, r.status, r.started_at, r.ended_at, r.params, r.metrics, r.gpu_type, r.gpu_count, r.gpu_hours,
              p.run_key AS parent
         FROM run r LEFT JOIN run p ON p.id = r.parent_run_id WHERE r.run_key = ANY($1::text[])`,
      [runKeys],
    ),
    db.query(
      `SELECT 'version' AS t, n.urn, v.version, v.content_hash, v.columns, v.statistics, v.location_uri
         FROM dataset_version v JOIN node n ON n.id = v.id WHERE n.urn LIKE $1`,
      [like],
    ),
    db.query(
      `SELECT 'edge' AS t, f.urn AS from_urn, t.urn AS to_urn, e.kind, e.valid_from, e.valid_to
         FROM edge e JOIN node f ON f.id = e.from_node JOIN node t ON t.id = e.to_node
        WHERE f.urn LIKE $1 OR t.urn LIKE $1 OR f.urn LIKE ANY($2::text[]) OR t.urn LIKE ANY($2::text[])`,
      [like, runKeys.map((k) => `%${k}%`)],
    ),
    db.query(
      `SELECT 'column' AS t, o.urn AS output, c.output_column, i.urn AS input, c.input_column, c.transformation, r.urn AS run
         FROM column_lineage c JOIN node o ON o.id = c.output_node JOIN node i ON i.id = c.input_node JOIN node r ON r.id = c.run_id
        WHERE o.urn LIKE $1`,
      [like],
    ),
    db.query(
      `SELECT 'model_version' AS t, n.urn, v.version, v.artifact_sha256, v.stage, v.metrics FROM model_version v JOIN node n ON n.id = v.id WHERE n.urn LIKE $1`,
      [like],
    ),
    db.query(`SELECT 'node' AS t, kind, urn, name, properties FROM node WHERE urn LIKE $1 OR urn LIKE ANY($2::text[])`, [like, runKeys.map((k) => `%${k}%`)]),
  ]);
  return rows.flat().map((r) => norm(JSON.stringify(r))).sort();
}
