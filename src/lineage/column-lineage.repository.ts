/**
 * Column-level lineage: which input columns an output column was derived from, recorded per run (the
 * OpenLineage columnLineage facet's shape), and a depth- and limit-bounded walk over (version, column) pairs.
 */
import { Sql } from '../platform/database/db';
import { WalkDirection } from './traversal.repository';

export interface ColumnLink {
  runId: string;
  outputId: string;
  outputColumn: string;
  inputId: string;
  inputColumn: string;
  transformation: string | null;
}

export interface ColumnWalkRow {
  nodes: { urn: string; column: string; depth: number }[];
  edges: { id: string; fromUrn: string; fromColumn: string; toUrn: string; toColumn: string; runUrn: string; transformation: string | null }[];
  more: boolean;
  deeper: boolean;
}

export class ColumnLineageRepository {
  async record(tx: Sql, links: ColumnLink[]): Promise<void> {
    if (links.length === 0) return;
    await tx.query(
      `INSERT INTO column_lineage AS c (run_id, output_node, output_column, input_node, input_column, transformation)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[])
       ON CONFLICT (output_node, output_column, input_node, input_column, run_id)
       DO UPDATE SET transformation = COALESCE(EXCLUDED.transformation, c.transformation)`,
      [
        links.map((l) => l.runId),
        links.map((l) => l.outputId),
        links.map((l) => l.outputColumn),
        links.map((l) => l.inputId),
        links.map((l) => l.inputColumn),
        links.map((l) => l.transformation),
      ],
    );
  }

  async walk(sql: Sql, nodeId: string, column: string, direction: WalkDirection, depth: number, limit: number): Promise<ColumnWalkRow> {
    const [nearNode, nearCol, farNode, farCol] =
      direction === 'up' ? ['output_node', 'output_column', 'input_node', 'input_column'] : ['input_node', 'input_column', 'output_node', 'output_column'];
    const [row] = await sql.query<ColumnWalkRow>(
      `WITH RECURSIVE walk(link, node, col, depth) AS (
           SELECT NULL::bigint, $1::bigint, $2::text, 0
         UNION
           SELECT c.id, c.${farNode}, c.${farCol}, w.depth + 1
             FROM walk w JOIN column_lineage c ON c.${nearNode} = w.node AND c.${nearCol} = w.col
            WHERE w.depth < $3
       ),
       probe AS (SELECT w.*, row_number() OVER () AS rn FROM (SELECT * FROM walk LIMIT $4 + 2) w),
       page AS (SELECT * FROM probe WHERE rn <= $4 + 1),
       reached AS (SELECT node, col, min(depth) AS depth FROM page GROUP BY node, col)
       SELECT
         (SELECT coalesce(json_agg(json_build_object('urn', n.urn, 'column', r.col, 'depth', r.depth) ORDER BY r.depth, n.urn, r.col), '[]')
            FROM reached r JOIN node n ON n.id = r.node) AS "nodes",
         (SELECT coalesce(json_agg(json_build_object('id', c.id::text, 'fromUrn', i.urn, 'fromColumn', c.input_column,
                   'toUrn', o.urn, 'toColumn', c.output_column, 'runUrn', rn.urn, 'transformation', c.transformation) ORDER BY c.id), '[]')
            FROM (SELECT DISTINCT link FROM page WHERE link IS NOT NULL) p JOIN column_lineage c ON c.id = p.link
            JOIN node i ON i.id = c.input_node JOIN node o ON o.id = c.output_node JOIN node rn ON rn.id = c.run_id) AS "edges",
         EXISTS (SELECT 1 FROM probe WHERE rn > $4 + 1) AS "more",
         EXISTS (SELECT 1 FROM reached r JOIN column_lineage c ON c.${nearNode} = r.node AND c.${nearCol} = r.col WHERE r.depth = $3) AS "deeper"`,
      [nodeId, column, depth, limit],
    );
    return row;
  }
}
