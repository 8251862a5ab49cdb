/**
 * Prediction logging. `prediction` is partitioned by UTC day (`day`, derived from the prediction's
 * timestamp); partitions are created ahead and on demand by the service and dropped whole after the
 * retention period. The primary key (id, day) makes a re-sent batch a no-op; ids are text in the "C"
 * collation so time-ordered ids (UUIDv7) append to the right edge of each day's index. No foreign keys: the
 * writer resolves deployments and model versions once per batch, and a per-row check would halve COPY speed.
 *
 * `prediction_count` is an append-only rollup written in the same transaction as the rows it counts
 * (per deployment, model version and minute): statistics and impact counts read it instead of the rows, and
 * it outlives the retention of the rows themselves.
 *
 * `deployment.prediction_payloads`: 'store' keeps input and output; 'hash' keeps only their SHA-256.
 */
import { MigrationInterface, QueryRunner } from 'typeorm';

const UP = `
ALTER TABLE deployment ADD COLUMN prediction_payloads text NOT NULL DEFAULT 'store'
  CHECK (prediction_payloads IN ('store','hash'));

CREATE TABLE prediction (
  id               text COLLATE "C" NOT NULL,
  day              date NOT NULL,
  ts               timestamptz NOT NULL,
  deployment_id    bigint NOT NULL,
  model_version_id bigint NOT NULL,
  input            json,
  output           json,
  input_sha256     bytea,
  output_sha256    bytea,
  latency_ms       double precision,
  metadata         json,
  PRIMARY KEY (id, day)
) PARTITION BY RANGE (day);

CREATE TABLE prediction_count (
  deployment_id    bigint NOT NULL,
  model_version_id bigint NOT NULL,
  minute           timestamptz NOT NULL,
  n                bigint NOT NULL CHECK (n > 0)
);
CREATE INDEX prediction_count_deployment ON prediction_count (deployment_id, minute) INCLUDE (model_version_id, n);
CREATE INDEX prediction_count_model_version ON prediction_count (model_version_id, minute) INCLUDE (deployment_id, n);
`;

const DOWN = `
DROP TABLE prediction_count;
DROP TABLE prediction;
ALTER TABLE deployment DROP COLUMN prediction_payloads;
`;

export class Predictions1764144000000 implements MigrationInterface {
  name = 'Predictions1764144000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(UP);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(DOWN);
  }
}
