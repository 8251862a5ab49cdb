/**
 * Lineage traversal: covering indexes for walking the current graph in both directions (partial, on open
 * edges) and the historical graph (asOf), and column-level lineage recorded by runs (OpenLineage
 * columnLineage facet shape: output column ← input columns, with the transformation).
 */
import { MigrationInterface, QueryRunner } from 'typeorm';

const UP = `
DROP INDEX edge_from;
DROP INDEX edge_to;
CREATE INDEX edge_current_up ON edge (to_node) INCLUDE (from_node, kind, id, valid_from) WHERE valid_to IS NULL;
CREATE INDEX edge_current_down ON edge (from_node) INCLUDE (to_node, kind, id, valid_from) WHERE valid_to IS NULL;
CREATE INDEX edge_up ON edge (to_node, kind) INCLUDE (from_node, id, valid_from, valid_to);
CREATE INDEX edge_down ON edge (from_node, kind) INCLUDE (to_node, id, valid_from, valid_to);

CREATE TABLE column_lineage (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id         bigint NOT NULL REFERENCES node(id),
  output_node    bigint NOT NULL REFERENCES node(id),
  output_column  text NOT NULL CHECK (length(output_column) BETWEEN 1 AND 300),
  input_node     bigint NOT NULL REFERENCES node(id),
  input_column   text NOT NULL CHECK (length(input_column) BETWEEN 1 AND 300),
  transformation text CHECK (length(transformation) <= 2000),
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (output_node, output_column, input_node, input_column, run_id)
);
CREATE INDEX column_lineage_up ON column_lineage (output_node, output_column) INCLUDE (input_node, input_column);
CREATE INDEX column_lineage_down ON column_lineage (input_node, input_column) INCLUDE (output_node, output_column);
CREATE INDEX column_lineage_run ON column_lineage (run_id);
`;

const DOWN = `
DROP TABLE column_lineage;
DROP INDEX edge_current_up; DROP INDEX edge_current_down; DROP INDEX edge_up; DROP INDEX edge_down;
CREATE INDEX edge_from ON edge (from_node, kind) INCLUDE (to_node, valid_from, valid_to);
CREATE INDEX edge_to ON edge (to_node, kind) INCLUDE (from_node, valid_from, valid_to);
`;

export class LineageTraversal1763971200000 implements MigrationInterface {
  name = 'LineageTraversal1763971200000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(UP);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(DOWN);
  }
}
