/**
 * Event ingestion: receipts make every event idempotent (the key is the Pedigree eventId, or for
 * OpenLineage runId + eventType + eventTime), and dead letters keep what could not be applied, with where it
 * came from, the raw payload, the error and the URNs it mentions (so reports can list open problems).
 */
import { MigrationInterface, QueryRunner } from 'typeorm';

const UP = `
CREATE TABLE event_receipt (
  event_key   text PRIMARY KEY CHECK (length(event_key) BETWEEN 1 AND 700),
  source      text NOT NULL CHECK (source IN ('kafka','http')),
  received_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dead_letter (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source            text NOT NULL CHECK (source IN ('kafka','http')),
  topic             text,
  kafka_partition   integer,
  kafka_offset      bigint,
  event_key         text,
  payload           text NOT NULL,
  payload_truncated boolean NOT NULL DEFAULT false,
  error             text NOT NULL,
  urns              text[] NOT NULL DEFAULT '{}',
  received_at       timestamptz NOT NULL DEFAULT now(),
  replayed_at       timestamptz,
  replay_error      text
);
CREATE INDEX dead_letter_pending ON dead_letter (id) WHERE replayed_at IS NULL;
CREATE INDEX dead_letter_urns ON dead_letter USING gin (urns);
`;

const DOWN = `
DROP TABLE dead_letter;
DROP TABLE event_receipt;
`;

export class Ingestion1764057600000 implements MigrationInterface {
  name = 'Ingestion1764057600000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(UP);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(DOWN);
  }
}
