/**
 * The `edge` table. Writes are batched (one statement per batch, never a read before a write) and
 * append-only in meaning: an edge is closed (valid_to) rather than updated or deleted.
 */
import { Sql } from '../platform/database/db';
import { groupRows } from '../platform/database/group';
import { EdgeKind, EdgeRow, NewEdge } from './edge.types';

const EDGE_COLUMNS = `e.id::text AS "id", e.from_node::text AS "fromId", e.to_node::text AS "toId", e.kind,
  e.valid_from AS "validFrom", e.valid_to AS "validTo", e.recorded_at AS "recordedAt"`;

/**
 * The edge predicate for "the graph as it stood at the time in parameter `asOfParam`" (e.g. '$4'), or the
 * current graph when absent. Fixed SQL fragments; the time itself is always a bound parameter.
 */
export function edgeValid(asOfParam?: string): string {
  return asOfParam ? `e.valid_from <= ${asOfParam} AND (e.valid_to IS NULL OR e.valid_to > ${asOfParam})` : `e.valid_to IS NULL`;
}

export class EdgeRepository {
  /** Opens edges that are not already open; re-recording an open edge changes nothing. */
  async open(sql: Sql, edges: readonly NewEdge[]): Promise<number> {
    if (edges.length === 0) return 0;
    const rows = await sql.query(
      `INSERT INTO edge (from_node, to_node, kind, valid_from)
       SELECT f, t, k, COALESCE(v, now())
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[]) AS x(f, t, k, v)
       ON CONFLICT (from_node, to_node, kind) WHERE valid_to IS NULL DO NOTHING
       RETURNING id`,
      [edges.map((e) => e.fromId), edges.map((e) => e.toId), edges.map((e) => e.kind), edges.map((e) => e.validFrom ?? null)],
    );
    return rows.length;
  }

  /** See LineageService.redateRunEdges. */
  async redateRunEdges(sql: Sql, runs: readonly { runId: string; inputFrom?: Date; outputFrom?: Date }[]): Promise<number> {
    const dated = runs.filter((r) => r.inputFrom || r.outputFrom);
    if (dated.length === 0) return 0;
    const rows = await sql.query(
      `WITH x AS (SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[]) AS x(run, i, o)),
       ins AS (UPDATE edge e SET valid_from = x.i FROM x
                WHERE e.to_node = x.run AND e.valid_to IS NULL AND e.kind IN ('INPUT', 'CODE') AND x.i IS NOT NULL AND e.valid_from <> x.i
               RETURNING e.id),
       outs AS (UPDATE edge e SET valid_from = x.o FROM x
                 WHERE e.from_node = x.run AND e.valid_to IS NULL AND e.kind = 'OUTPUT' AND x.o IS NOT NULL AND e.valid_from <> x.o
                RETURNING e.id)
       SELECT id FROM ins UNION ALL SELECT id FROM outs`,
      [dated.map((r) => r.runId), dated.map((r) => r.inputFrom ?? null), dated.map((r) => r.outputFrom ?? null)],
    );
    return rows.length;
  }

  /** Closes the open edges given, as of `validTo`. */
  async close(sql: Sql, edges: readonly { fromId: string; toId: string; kind: EdgeKind }[], validTo: Date): Promise<number> {
    if (edges.length === 0) return 0;
    const rows = await sql.query(
      `UPDATE edge e SET valid_to = GREATEST($4::timestamptz, e.valid_from)
         FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS x(f, t, k)
        WHERE e.from_node = x.f AND e.to_node = x.t AND e.kind = x.k AND e.valid_to IS NULL
       RETURNING e.id`,
      [edges.map((e) => e.fromId), edges.map((e) => e.toId), edges.map((e) => e.kind), validTo],
    );
    return rows.length;
  }

  /** Open edges arriving at (direction 'in') or leaving (direction 'out') each node. */
  async current(sql: Sql, ids: readonly string[], direction: 'in' | 'out'): Promise<Map<string, EdgeRow[]>> {
    const column = direction === 'in' ? 'to_node' : 'from_node';
    const rows = await sql.query<EdgeRow>(
      `SELECT ${EDGE_COLUMNS} FROM edge e WHERE e.${column} = ANY($1::bigint[]) AND ${edgeValid()} ORDER BY e.id`,
      [ids],
    );
    return groupRows(ids, rows, (r) => (direction === 'in' ? r.toId : r.fromId));
  }

  /** Distinct (from, to) pairs of `kind` leaving `fromIds`: current ones, or any that appeared since `since`. */
  async targets(sql: Sql, fromIds: readonly string[], kind: EdgeKind, since?: Date): Promise<{ fromId: string; toId: string }[]> {
    if (!fromIds.length) return [];
    return sql.query<{ fromId: string; toId: string }>(
      `SELECT DISTINCT e.from_node::text AS "fromId", e.to_node::text AS "toId" FROM edge e
        WHERE e.from_node = ANY($1::bigint[]) AND e.kind = $2 AND ${since ? 'e.valid_from >= $3' : 'e.valid_to IS NULL'}`,
      since ? [fromIds, kind, since] : [fromIds, kind],
    );
  }

  /**
   * For each id, how many distinct nodes `kind` edges lead to from the node itself (`self`) or from its
   * children (`children`: the versions of a dataset or model) — current edges, or any that appeared since
   * `since`. Counted in PostgreSQL: a dataset with a long history sends one number, not its versions.
   */
  async distinctTargetCounts(sql: Sql, ids: readonly string[], of: 'self' | 'children', kind: EdgeKind, since?: Date): Promise<Map<string, number>> {
    if (!ids.length) return new Map();
    const valid = since ? 'e.valid_from >= $3' : 'e.valid_to IS NULL';
    const rows = await sql.query<{ id: string; n: number }>(
      of === 'self'
        ? `SELECT e.from_node::text AS "id", count(DISTINCT e.to_node)::int AS "n" FROM edge e
            WHERE e.from_node = ANY($1::bigint[]) AND e.kind = $2 AND ${valid} GROUP BY e.from_node`
        : `SELECT v.parent_id::text AS "id", count(DISTINCT e.to_node)::int AS "n"
             FROM node v JOIN edge e ON e.from_node = v.id AND e.kind = $2 AND ${valid}
            WHERE v.parent_id = ANY($1::bigint[]) GROUP BY v.parent_id`,
      since ? [ids, kind, since] : [ids, kind],
    );
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  /** One breadth-first step: edges leaving (down) or entering (up) the frontier, valid at `asOf`, at most `budget`. */
  async step(sql: Sql, frontier: string[], direction: 'up' | 'down', budget: number, asOf?: Date): Promise<EdgeRow[]> {
    const near = direction === 'up' ? 'to_node' : 'from_node';
    return sql.query<EdgeRow>(
      `SELECT ${EDGE_COLUMNS} FROM edge e WHERE e.${near} = ANY($1::bigint[]) AND ${edgeValid(asOf ? '$3' : undefined)} LIMIT $2`,
      asOf ? [frontier, budget, asOf] : [frontier, budget],
    );
  }
}
