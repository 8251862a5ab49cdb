/**
 * Lineage traversal in one SQL statement: a depth-bounded recursive walk over the indexed edge table,
 * cut by a row limit inside the statement (PostgreSQL stops the recursion once the outer LIMIT is met),
 * returning nodes (each once, at its shortest depth), every edge walked (so diamonds stay whole), and
 * whether depth or limit cut the answer. Reads the node spine (owned by the catalog) read-only, to label
 * and filter nodes without a second round trip.
 */
import { Sql } from '../platform/database/db';
import { AccessAttributes, accessColumns } from '../platform/auth/access-scope';
import { edgeValid } from './edge.repository';

export type WalkDirection = 'up' | 'down';

export interface WalkRequest {
  /** URN of the start; a dataset or model starts from its versions (newest MAX_START_VERSIONS). */
  urn: string;
  direction: WalkDirection;
  depth: number;
  /** Most edge traversals examined (and so edges returned). */
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
  /** Absent when nothing has the URN. */
  start?: WalkNode;
  nodes: WalkNode[];
  edges: WalkEdge[];
  /** More edges existed than `limit`. */
  limitReached: boolean;
  /** Some node at the maximum depth has further edges. */
  depthReached: boolean;
}

/** Versions of one dataset or model taken as the start of a dataset-level or model-level view. */
export const MAX_START_VERSIONS = 1000;

/** The edge predicate of a walk: current edges, or edges valid at $4. */
const validity = (asOf: boolean): string => edgeValid(asOf ? '$4' : undefined);

/**
 * $1 start URN, $2 depth, $3 limit, $4 asOf. Nodes and edges come back as JSON arrays of arrays (cheap to
 * build and parse); times as epoch milliseconds.
 */
export function walkSql(direction: WalkDirection, asOf: boolean): string {
  const [near, far] = direction === 'up' ? ['to_node', 'from_node'] : ['from_node', 'to_node'];
  return `
WITH RECURSIVE start AS (SELECT id, kind, urn, name FROM node WHERE urn = $1),
roots AS (
    SELECT id FROM start WHERE kind NOT IN ('dataset', 'model')
  UNION ALL
    (SELECT c.id FROM start s JOIN node c ON c.parent_id = s.id WHERE s.kind IN ('dataset', 'model')
      ORDER BY c.id DESC LIMIT ${MAX_START_VERSIONS})
),
walk(edge_id, node, depth) AS (
    SELECT NULL::bigint, id, 0 FROM roots
  UNION
    SELECT e.id, e.${far}, w.depth + 1
      FROM walk w JOIN edge e ON e.${near} = w.node
     WHERE w.depth < $2 AND ${validity(asOf)}
),
-- One row more than the page can hold proves there is more; row_number() keeps the walk's (BFS) order.
probe AS (SELECT w.*, row_number() OVER () AS rn FROM (SELECT * FROM walk LIMIT $3 + 1 + (SELECT count(*) FROM roots)) w),
page AS (SELECT * FROM probe WHERE rn <= $3 + (SELECT count(*) FROM roots)),
reached AS (SELECT node, min(depth) AS depth FROM page GROUP BY node)
SELECT
  (SELECT json_build_array(id::text, kind, urn, name, 0) FROM start) AS "start",
  EXISTS (SELECT 1 FROM probe WHERE rn > $3 + (SELECT count(*) FROM roots)) AS "more",
  (SELECT coalesce(json_agg(json_build_array(n.id::text, n.kind, n.urn, n.name, r.depth)), '[]')
     FROM reached r JOIN node n ON n.id = r.node) AS "nodes",
  (SELECT coalesce(json_agg(json_build_array(e.id::text, e.from_node::text, e.to_node::text, e.kind,
            (extract(epoch FROM e.valid_from) * 1000)::bigint, (extract(epoch FROM e.valid_to) * 1000)::bigint)), '[]')
     FROM (SELECT DISTINCT edge_id FROM page WHERE edge_id IS NOT NULL) x JOIN edge e ON e.id = x.edge_id) AS "edges",
  EXISTS (SELECT 1 FROM reached r JOIN edge e ON e.${near} = r.node WHERE r.depth = $2 AND ${validity(asOf)}) AS "deeper"`;
}

type NodeTuple = [string, string, string, string, number];
type EdgeTuple = [string, string, string, string, number, number | null];

const toNode = ([id, kind, urn, name, depth]: NodeTuple): WalkNode => ({ id, kind, urn, name, depth });

export class TraversalRepository {
  async walk(sql: Sql, req: WalkRequest): Promise<WalkResult> {
    const params: unknown[] = [req.urn, req.depth, req.limit];
    if (req.asOf) params.push(req.asOf);
    const [row] = await sql.query<{ start: NodeTuple | null; more: boolean; nodes: NodeTuple[]; edges: EdgeTuple[]; deeper: boolean }>(
      walkSql(req.direction, req.asOf !== undefined),
      params,
      `lineage_walk_${req.direction}${req.asOf ? '_as_of' : ''}`,
    );
    return {
      start: row.start ? toNode(row.start) : undefined,
      nodes: row.nodes.map(toNode),
      edges: row.edges.map(([id, fromId, toId, kind, from, to]) => ({
        id, fromId, toId, kind, validFrom: new Date(Number(from)), validTo: to === null ? null : new Date(Number(to)),
      })),
      limitReached: row.more,
      depthReached: row.deeper,
    };
  }
}

export interface NodeLabel {
  id: string;
  kind: string;
  urn: string;
  name: string;
  parentId: string | null;
}

/** Lookups on the node spine that traversal needs: a start by URN, and labels for a path's nodes. */
export class SpineRepository {
  async byUrn(sql: Sql, urn: string): Promise<NodeLabel | undefined> {
    const [row] = await sql.query<NodeLabel>(
      `SELECT id::text AS "id", kind, urn, name, parent_id::text AS "parentId" FROM node WHERE urn = $1`,
      [urn],
    );
    return row;
  }

  async labels(sql: Sql, ids: string[]): Promise<Map<string, NodeLabel>> {
    const rows = await sql.query<NodeLabel>(
      `SELECT n.id::text AS "id", n.kind, n.urn, n.name, n.parent_id::text AS "parentId" FROM node n WHERE n.id = ANY($1::bigint[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** What access policies test, for the nodes with these URNs. */
  async accessAttributesByUrn(sql: Sql, urns: string[]): Promise<Map<string, AccessAttributes>> {
    const rows = await sql.query<AccessAttributes>(
      `SELECT ${accessColumns('n')} FROM node n WHERE n.urn = ANY($1::text[])`,
      [urns],
    );
    return new Map(rows.map((r) => [r.urn, r]));
  }

  /** What access policies test, for the given nodes. */
  async accessAttributes(sql: Sql, ids: string[]): Promise<Map<string, AccessAttributes>> {
    const rows = await sql.query<AccessAttributes & { id: string }>(
      `SELECT n.id::text AS "id", ${accessColumns('n')} FROM node n WHERE n.id = ANY($1::bigint[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }
}

