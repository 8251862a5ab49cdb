/**
 * Reading predictions: one record by id (its uid, see prediction-uid.ts; partition-pruned when the id is a
 * UUIDv7, whose first 48 bits are its creation time), counts per model version per time bucket, and the impact hook's counts per serving
 * window — both from the `prediction_count` rollup, never from the rows.
 */
import { Injectable, OnModuleInit } from '@nestjs/common';
import { PredictionCounterHook, ServingWindowRef } from '../catalog/impact/prediction-counter';
import { Db } from '../platform/database/db';
import { InvalidInputError, NotFoundError } from '../platform/errors/errors';
import { DAY_MS } from './ingest/attribution';
import { predictionUid } from './ingest/prediction-uid';
import { PredictionBucket, PredictionRecord, PredictionStatsArgs, PredictionStatsRow } from './prediction.types';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The creation time embedded in a UUIDv7, or null for any other id. */
export function uuidV7Time(id: string): number | null {
  if (!UUID_V7.test(id)) return null;
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

const RECORD_SQL = `SELECT COALESCE(id, uid::text) AS id, ts AS "timestamp", deployment_id::text AS "deploymentId", model_version_id::text AS "modelVersionId",
  input::text AS "inputText", output::text AS "outputText", encode(input_sha256, 'hex') AS "inputSha256",
  encode(output_sha256, 'hex') AS "outputSha256", latency_ms AS "latencyMs", metadata::text AS "metadataText"
  FROM prediction`;

const BUCKETS: Record<PredictionBucket, string> = {
  [PredictionBucket.MINUTE]: '1 minute',
  [PredictionBucket.HOUR]: '1 hour',
  [PredictionBucket.DAY]: '1 day',
};

/** Buckets one statistics answer may hold. */
export const MAX_STAT_BUCKETS = 10_000;

@Injectable()
export class PredictionQueryService implements OnModuleInit {
  constructor(
    private readonly db: Db,
    private readonly hook: PredictionCounterHook,
  ) {}

  onModuleInit(): void {
    this.hook.provide({ count: (windows) => this.countWindows(windows) });
  }

  async get(id: string): Promise<PredictionRecord> {
    if (id.length === 0 || id.length > 200) throw new InvalidInputError('A prediction id has 1 to 200 characters.');
    const uid = predictionUid(id);
    const t = uuidV7Time(uid);
    let rows: PredictionRecord[] = [];
    if (t !== null) {
      // The record's timestamp is normally within a day of its id's creation time: look there first.
      const day = Math.floor(t / DAY_MS);
      const days = [day - 1, day, day + 1].map((d) => new Date(d * DAY_MS).toISOString().slice(0, 10));
      rows = await this.db.query<PredictionRecord>(`${RECORD_SQL} WHERE uid = $1 AND day = ANY($2::date[])`, [uid, days], 'prediction_by_v7_id');
    }
    if (!rows.length) rows = await this.db.query<PredictionRecord>(`${RECORD_SQL} WHERE uid = $1 LIMIT 1`, [uid], 'prediction_by_id');
    if (!rows.length) throw new NotFoundError(`No prediction ${id} (it may be older than the retention period).`);
    return rows[0];
  }

  /** Counts on one deployment (resolved by the caller) per model version per bucket. */
  async stats(deploymentId: string, args: PredictionStatsArgs): Promise<PredictionStatsRow[]> {
    if (args.to <= args.from) throw new InvalidInputError('`to` must be after `from`.');
    const bucketMs = { MINUTE: 60_000, HOUR: 3_600_000, DAY: DAY_MS }[args.bucket];
    const buckets = Math.ceil((args.to.getTime() - args.from.getTime()) / bucketMs);
    if (buckets > MAX_STAT_BUCKETS) {
      throw new InvalidInputError(`${buckets} ${args.bucket.toLowerCase()} buckets requested; at most ${MAX_STAT_BUCKETS}. Use a coarser bucket or a shorter range.`);
    }
    return this.db.query<PredictionStatsRow>(
      `SELECT date_bin($4::interval, minute, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS "bucketStart",
              model_version_id::text AS "modelVersionId", sum(n)::float8 AS "count"
         FROM prediction_count
        WHERE deployment_id = $1 AND minute >= $2 AND minute < $3
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [deploymentId, args.from, args.to, BUCKETS[args.bucket]],
    );
  }

  /** Up to 1,000 other logged inputs of the record's model version from its day (explanation baselines). */
  async recentInputs(record: PredictionRecord): Promise<string[]> {
    const day = new Date(record.timestamp).toISOString().slice(0, 10);
    const rows = await this.db.query<{ input: string }>(
      `SELECT input::text AS input FROM prediction
        WHERE day = $1::date AND model_version_id = $2 AND uid <> $3 AND input IS NOT NULL LIMIT 1000`,
      [day, record.modelVersionId, predictionUid(record.id)],
    );
    return rows.map((r) => r.input);
  }

  /** Predictions per serving window (minute resolution), for impact analysis. */
  async countWindows(windows: ServingWindowRef[]): Promise<(number | null)[]> {
    if (!windows.length) return [];
    const rows = await this.db.query<{ n: number }>(
      `SELECT COALESCE((SELECT sum(c.n) FROM prediction_count c
                         WHERE c.deployment_id = w.d AND c.model_version_id = w.mv AND c.minute >= w.f AND (w.t IS NULL OR c.minute < w.t)), 0)::float8 AS n
         FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::timestamptz[]) WITH ORDINALITY AS w(d, mv, f, t, k)
        ORDER BY k`,
      [windows.map((w) => w.deploymentId), windows.map((w) => w.modelVersionId), windows.map((w) => w.from), windows.map((w) => w.to)],
    );
    return rows.map((r) => Number(r.n));
  }
}
