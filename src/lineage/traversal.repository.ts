/**
 * Lineage traversal in one SQL statement: a depth-bounded recursive walk over the indexed edge table,
 * cut by a row limit inside the statement (PostgreSQL stops the recursion once the outer LIMIT is met),
 * returning nodes (each once, at its shortest depth), every edge walked (so diamonds stay whole), and
 * whether depth or limit cut the answer. Reads the node spine (owned by the catalog) read-only, to label
 * and filter nodes without a second round trip.
 */
import { Sql } from '../platform/database/db';

export type WalkDirection = 'up' | 'down';

export interface WalkRequest {
  roots: string[];
  direction: WalkDirection;
  depth: number;
  /** Most edge traversals examined (and so nodes returned beyond the roots). */
  limit: number;
  /** The graph as it stood at this time; absent = the current graph. */
  asOf?: Date;
}

export interface WalkNode {
  id: string;
  kind: string;
  urn: string;
  name: string;
  depth: number;
}

export interface WalkEdge {
  id: string;
  fromId: string;
  toId: string;
  kind: string;
  validFrom: Date;
  validTo: Date | null;
}

export interface WalkResult {
  nodes: WalkNode[];
  edges: WalkEdge[];
  /** More edges existed than `limit`. */
  limitReached: boolean;
  /** Some node at the maximum depth has further edges. */
  depthReached: boolean;
}

/** The edge predicate: current edges, or edges valid at $4 (fixed fragments, never built from input). */
function validity(asOf: boolean): string {
  return asOf ? `e.valid_from <= $4 AND (e.valid_to IS NULL OR e.valid_to > $4)` : `e.valid_to IS NULL`;
}

export function walkSql(direction: WalkDirection, asOf: boolean): string {
  const [near, far] = direction === 'up' ? ['to_node', 'from_node'] : ['from_node', 'to_node'];
  return `
WITH RECURSIVE walk(edge_id, from_node, to_node, kind, valid_from, valid_to, node, depth) AS (
    SELECT NULL::bigint, NULL::bigint, NULL::bigint, NULL::text, NULL::timestamptz, NULL::timestamptz, r, 0
      FROM unnest($1::bigint[]) AS r
  UNION
    SELECT e.id, e.from_node, e.to_node, e.kind, e.valid_from, e.valid_to, e.${far}, w.depth + 1
      FROM walk w JOIN edge e ON e.${near} = w.node
     WHERE w.depth < $2 AND ${validity(asOf)}
),
-- One row more than the page can hold proves there is more; row_number() keeps the walk's (BFS) order.
probe AS (SELECT w.*, row_number() OVER () AS rn FROM (SELECT * FROM walk LIMIT $3 + 1 + cardinality($1::bigint[])) w),
page AS (SELECT * FROM probe WHERE rn <= $3 + cardinality($1::bigint[])),
reached AS (SELECT node, min(depth) AS depth FROM page GROUP BY node)
SELECT
  EXISTS (SELECT 1 FROM probe WHERE rn > $3 + cardinality($1::bigint[])) AS "more",
  (SELECT coalesce(json_agg(json_build_object('id', n.id::text, 'kind', n.kind, 'urn', n.urn, 'name', n.name, 'depth', r.depth)), '[]')
     FROM reached r JOIN node n ON n.id = r.node) AS "nodes",
  (SELECT coalesce(json_agg(json_build_object('id', x.edge_id::text, 'fromId', x.from_node::text, 'toId', x.to_node::text,
            'kind', x.kind, 'validFrom', x.valid_from, 'validTo', x.valid_to)), '[]')
     FROM (SELECT DISTINCT ON (edge_id) * FROM page WHERE edge_id IS NOT NULL) x) AS "edges",
  EXISTS (SELECT 1 FROM reached r JOIN edge e ON e.${near} = r.node WHERE r.depth = $2 AND ${validity(asOf)}) AS "deeper"`;
}

export class TraversalRepository {
  async walk(sql: Sql, req: WalkRequest): Promise<WalkResult> {
    const params: unknown[] = [req.roots, req.depth, req.limit];
    if (req.asOf) params.push(req.asOf);
    const [row] = await sql.query<{ more: boolean; nodes: WalkNode[]; edges: (Omit<WalkEdge, 'validFrom' | 'validTo'> & { validFrom: string; validTo: string | null })[]; deeper: boolean }>(
      walkSql(req.direction, req.asOf !== undefined),
      params,
    );
    const edges = row.edges.map((e) => ({ ...e, validFrom: new Date(e.validFrom), validTo: e.validTo ? new Date(e.validTo) : null }));
    return { nodes: row.nodes, edges, limitReached: row.more, depthReached: row.deeper };
  }
}

export interface NodeLabel {
  id: string;
  kind: string;
  urn: string;
  name: string;
  parentId: string | null;
}

/** Lookups on the node spine that traversal needs: the start, a dataset's or model's versions, labels. */
export class SpineRepository {
  async byUrn(sql: Sql, urn: string): Promise<NodeLabel | undefined> {
    const [row] = await sql.query<NodeLabel>(
      `SELECT id::text AS "id", kind, urn, name, parent_id::text AS "parentId" FROM node WHERE urn = $1`,
      [urn],
    );
    return row;
  }

  /** Versions of a dataset or model, newest first, at most `max`. */
  async childIds(sql: Sql, parentId: string, max: number): Promise<string[]> {
    const rows = await sql.query<{ id: string }>(
      `SELECT n.id::text AS "id" FROM node n WHERE n.parent_id = $1 ORDER BY n.id DESC LIMIT $2`,
      [parentId, max],
    );
    return rows.map((r) => r.id);
  }

  async labels(sql: Sql, ids: string[]): Promise<Map<string, NodeLabel>> {
    const rows = await sql.query<NodeLabel>(
      `SELECT n.id::text AS "id", n.kind, n.urn, n.name, n.parent_id::text AS "parentId" FROM node n WHERE n.id = ANY($1::bigint[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** One breadth-first step: current edges leaving (down) or entering (up) the frontier, at most `budget`. */
  async step(sql: Sql, frontier: string[], direction: WalkDirection, budget: number, asOf?: Date): Promise<WalkEdge[]> {
    const near = direction === 'up' ? 'to_node' : 'from_node';
    const params: unknown[] = [frontier, budget];
    if (asOf) params.push(asOf);
    const when = asOf ? `e.valid_from <= $3 AND (e.valid_to IS NULL OR e.valid_to > $3)` : `e.valid_to IS NULL`;
    return sql.query<WalkEdge>(
      `SELECT e.id::text AS "id", e.from_node::text AS "fromId", e.to_node::text AS "toId", e.kind,
              e.valid_from AS "validFrom", e.valid_to AS "validTo"
         FROM edge e WHERE e.${near} = ANY($1::bigint[]) AND ${when} LIMIT $2`,
      params,
    );
  }
}
