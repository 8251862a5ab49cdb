/**
 * Catalog search. Every write to a searchable row enqueues its node in `search_outbox` in the same
 * transaction — statement-level triggers with transition tables, so a set-based write of 1,000 nodes costs one
 * extra INSERT … SELECT, and no write path can forget it. The indexer drains the outbox into the active
 * search index (PostgreSQL's `search_document` by default); a crash between commit and indexing loses nothing.
 * `search_words` splits identifiers (snake_case, camelCase, dots, dashes) into lowercase words.
 */
import { MigrationInterface, QueryRunner } from 'typeorm';

const UP = `
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION search_words(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT btrim(lower(regexp_replace(
           regexp_replace(regexp_replace(coalesce(t, ''), '([a-z0-9])([A-Z])', '\\1 \\2', 'g'), '([A-Z]+)([A-Z][a-z])', '\\1 \\2', 'g'),
           '[^[:alnum:]]+', ' ', 'g')))
$$;

CREATE TABLE search_outbox (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  node_id     bigint NOT NULL,
  enqueued_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION search_enqueue_nodes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_outbox (node_id) SELECT DISTINCT id FROM changed;
  RETURN NULL;
END $$;
CREATE TRIGGER node_search_insert AFTER INSERT ON node REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION search_enqueue_nodes();
CREATE TRIGGER node_search_update AFTER UPDATE ON node REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION search_enqueue_nodes();

-- Features are rows of their feature view's document.
CREATE FUNCTION search_enqueue_features() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_outbox (node_id) SELECT DISTINCT feature_view_id FROM changed;
  RETURN NULL;
END $$;
CREATE TRIGGER feature_search_insert AFTER INSERT ON feature REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION search_enqueue_features();
CREATE TRIGGER feature_search_update AFTER UPDATE ON feature REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION search_enqueue_features();

-- Usage signals: a run reading a dataset version, a deployment served by a model version.
CREATE FUNCTION search_enqueue_usage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_outbox (node_id) SELECT DISTINCT from_node FROM changed WHERE kind IN ('INPUT', 'SERVES');
  RETURN NULL;
END $$;
CREATE TRIGGER edge_search_insert AFTER INSERT ON edge REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION search_enqueue_usage();

CREATE TABLE search_document (
  node_id         bigint PRIMARY KEY,
  kind            text NOT NULL,
  urn             text NOT NULL,
  name            text NOT NULL,
  words           text NOT NULL,
  description     text,
  column_words    text NOT NULL DEFAULT '',
  detail          text NOT NULL DEFAULT '',
  domain          text,
  owner_team      text,
  tags            text[] NOT NULL DEFAULT '{}',
  classifications text[] NOT NULL DEFAULT '{}',
  platform        text,
  usage           double precision NOT NULL DEFAULT 0,
  tsv             tsvector NOT NULL,
  indexed_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX search_document_tsv ON search_document USING gin (tsv);
CREATE INDEX search_document_words_trgm ON search_document USING gin (words gin_trgm_ops);
CREATE INDEX search_document_name ON search_document (lower(name) text_pattern_ops);
CREATE INDEX search_document_usage ON search_document (usage DESC, node_id);

-- Everything already in the catalog is indexed by the first drain.
INSERT INTO search_outbox (node_id) SELECT id FROM node;
`;

const DOWN = `
DROP TABLE search_document;
DROP TRIGGER edge_search_insert ON edge;
DROP TRIGGER feature_search_update ON feature;
DROP TRIGGER feature_search_insert ON feature;
DROP TRIGGER node_search_update ON node;
DROP TRIGGER node_search_insert ON node;
DROP FUNCTION search_enqueue_usage();
DROP FUNCTION search_enqueue_features();
DROP FUNCTION search_enqueue_nodes();
DROP TABLE search_outbox;
DROP FUNCTION search_words(text);
`;

export class Search1764316800000 implements MigrationInterface {
  name = 'Search1764316800000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(UP);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(DOWN);
  }
}
