/**
 * Writes encoded batches inside the caller's transaction, each in its own savepoint. The fast path COPYs
 * straight into `prediction` (and appends the batch's rollup). A unique violation means the batch repeats
 * ids already stored (a re-sent request) or within itself: the batch is then COPYed into a temporary table
 * and merged — rows identical to stored ones are skipped as duplicates, rows that reuse a stored id with
 * different content refuse the whole request (409), and the rollup counts only the rows inserted.
 */
import { Db, Sql } from '../../platform/database/db';
import { ConflictError, InvalidInputError } from '../../platform/errors/errors';
import { EncodedBatch, PREDICTION_COPY_COLUMNS, RollupRow } from './copy-encoder';

const CONTENT = (t: string) =>
  `(${t}.id, ${t}.ts, ${t}.deployment_id, ${t}.model_version_id, ${t}.input::text, ${t}.output::text, ${t}.input_sha256, ${t}.output_sha256, ${t}.latency_ms, ${t}.metadata::text)`;

const CONFLICTS_SQL = `
SELECT COALESCE(id, uid::text) AS id FROM (
  SELECT s.uid, min(s.id) AS id FROM prediction_stage s GROUP BY s.uid, s.day HAVING count(DISTINCT ${CONTENT('s')}) > 1
  UNION
  SELECT s.uid, s.id FROM prediction_stage s JOIN prediction p ON p.uid = s.uid AND p.day = s.day
   WHERE ${CONTENT('s')} IS DISTINCT FROM ${CONTENT('p')}
) c ORDER BY 1 LIMIT 10`;

const MERGE_SQL = `
WITH ins AS (
  INSERT INTO prediction (${PREDICTION_COPY_COLUMNS})
  SELECT DISTINCT ON (uid, day) ${PREDICTION_COPY_COLUMNS} FROM prediction_stage ORDER BY uid, day
  ON CONFLICT (uid, day) DO NOTHING
  RETURNING deployment_id, model_version_id, ts
), counted AS (
  INSERT INTO prediction_count (deployment_id, model_version_id, minute, n)
  SELECT deployment_id, model_version_id, date_bin('1 minute', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'), count(*) FROM ins GROUP BY 1, 2, 3
  RETURNING n
)
SELECT COALESCE(sum(n), 0)::int AS inserted FROM counted`;

export interface WriteResult {
  inserted: number;
  duplicates: number;
}

interface PgError {
  code?: string;
  where?: string;
  message: string;
}

export class PredictionWriter {
  constructor(private readonly db: Db) {}

  async write(batch: EncodedBatch): Promise<WriteResult> {
    try {
      await this.db.transaction(async (tx) => {
        await this.db.copyIn(`COPY prediction (${PREDICTION_COPY_COLUMNS}) FROM STDIN (FORMAT binary)`, batch.copy);
        await insertRollup(tx, batch.rollup);
      });
      return { inserted: batch.rows, duplicates: 0 };
    } catch (err) {
      if (!isUniqueViolation(err)) throw copyError(err);
    }
    return this.db.transaction(async (tx) => {
      await tx.query(`CREATE TEMP TABLE IF NOT EXISTS prediction_stage (LIKE prediction) ON COMMIT DELETE ROWS`);
      await tx.query(`TRUNCATE prediction_stage`);
      await this.db.copyIn(`COPY prediction_stage (${PREDICTION_COPY_COLUMNS}) FROM STDIN (FORMAT binary)`, batch.copy).catch((e) => {
        throw copyError(e);
      });
      await tx.query(`ANALYZE prediction_stage`);
      const conflicts = await tx.query<{ id: string }>(CONFLICTS_SQL);
      if (conflicts.length) {
        throw new ConflictError(
          `Prediction id(s) already used with different content: ${conflicts.map((c) => c.id).join(', ')}. Nothing of this request was stored.`,
          { ids: conflicts.map((c) => c.id) },
        );
      }
      const [{ inserted }] = await tx.query<{ inserted: number }>(MERGE_SQL);
      return { inserted, duplicates: batch.rows - inserted };
    });
  }
}

async function insertRollup(tx: Sql, rollup: RollupRow[]): Promise<void> {
  await tx.query(
    `INSERT INTO prediction_count (deployment_id, model_version_id, minute, n)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::bigint[])`,
    [rollup.map((r) => r.deploymentId), rollup.map((r) => r.modelVersionId), rollup.map((r) => new Date(r.minuteMs)), rollup.map((r) => r.n)],
    'prediction_rollup_insert',
  );
}

function isUniqueViolation(err: unknown): boolean {
  return (err as PgError).code === '23505' || err instanceof ConflictError;
}

/** PostgreSQL's complaint about one COPY row (bad JSON, a NUL byte, invalid UTF-8) as the caller's error. */
function copyError(err: unknown): unknown {
  const pg = err as PgError;
  if (!pg.code || !/^22/.test(pg.code)) return err;
  const m = /COPY \w+, line (\d+)(?:, column (\w+))?/.exec(pg.where ?? '');
  const where = m ? `Row ${Number(m[1]) - 1}${m[2] ? `, column ${m[2]}` : ''}: ` : '';
  return new InvalidInputError(`${where}${pg.message}. Nothing of this request was stored.`, m ? { row: Number(m[1]) - 1, column: m[2] } : undefined);
}
