/**
 * Deferred search signals. A dataset's search document changes when it gets a version (its columns) and when a
 * run reads one of its versions (its usage); under sustained ingestion the same dataset is written and read
 * many times a second, and rebuilding its document each time cost more than the ingestion itself
 * (bench/README.md, "Ingestion", 2026-11-24). Those entries now name the dataset itself and are `deferred`:
 * the indexer takes a dataset's deferred entries together once the oldest has waited
 * PEDIGREE_SEARCH_DEFER_SECONDS, so it builds the document once per window. Everything else (a new or
 * changed entity, a deployment served) stays immediate.
 */
import { MigrationInterface, QueryRunner } from 'typeorm';

const UP = `
ALTER TABLE search_outbox ADD COLUMN deferred boolean NOT NULL DEFAULT false;
CREATE INDEX search_outbox_immediate ON search_outbox (id) WHERE NOT deferred;
CREATE INDEX search_outbox_deferred_due ON search_outbox (enqueued_at) WHERE deferred;
CREATE INDEX search_outbox_deferred_node ON search_outbox (node_id) WHERE deferred;

CREATE OR REPLACE FUNCTION search_enqueue_nodes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_outbox (node_id, deferred)
  SELECT DISTINCT CASE WHEN kind = 'dataset_version' THEN COALESCE(parent_id, id) ELSE id END, kind = 'dataset_version' FROM changed;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION search_enqueue_usage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_outbox (node_id, deferred)
  SELECT DISTINCT CASE WHEN n.kind = 'dataset_version' THEN COALESCE(n.parent_id, n.id) ELSE n.id END, n.kind = 'dataset_version'
    FROM changed c JOIN node n ON n.id = c.from_node
   WHERE c.kind IN ('INPUT', 'SERVES');
  RETURN NULL;
END $$;
`;

const DOWN = `
CREATE OR REPLACE FUNCTION search_enqueue_usage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_outbox (node_id) SELECT DISTINCT from_node FROM changed WHERE kind IN ('INPUT', 'SERVES');
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION search_enqueue_nodes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_outbox (node_id) SELECT DISTINCT id FROM changed;
  RETURN NULL;
END $$;

DROP INDEX search_outbox_deferred_node;
DROP INDEX search_outbox_deferred_due;
DROP INDEX search_outbox_immediate;
ALTER TABLE search_outbox DROP COLUMN deferred;
`;

export class SearchDeferredSignals1764748800000 implements MigrationInterface {
  name = 'SearchDeferredSignals1764748800000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(UP);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(DOWN);
  }
}
