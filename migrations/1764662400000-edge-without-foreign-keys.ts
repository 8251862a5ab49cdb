/**
 * Edges without foreign keys to `node`. Every edge is written with ids the same transaction has just read or
 * upserted, and nodes are never deleted, so the two checks per edge (a key-share lock on each end, queued as
 * after-row triggers) bought nothing — and they were a fifth of what a lineage event costs PostgreSQL
 * (bench/README.md, "Ingestion", 2026-11-24). The other tables keep theirs.
 */
import { MigrationInterface, QueryRunner } from 'typeorm';

export class EdgeWithoutForeignKeys1764662400000 implements MigrationInterface {
  name = 'EdgeWithoutForeignKeys1764662400000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE edge DROP CONSTRAINT edge_from_node_fkey, DROP CONSTRAINT edge_to_node_fkey`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE edge ADD CONSTRAINT edge_from_node_fkey FOREIGN KEY (from_node) REFERENCES node (id),
                          ADD CONSTRAINT edge_to_node_fkey FOREIGN KEY (to_node) REFERENCES node (id)`);
  }
}
