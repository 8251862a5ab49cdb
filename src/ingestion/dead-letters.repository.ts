/** The dead-letter table: what could not be applied, where it came from, and why. */
import { Sql } from '../platform/database/db';
import { Origin } from './ingestion.types';

/** Payload text kept per dead letter; longer payloads are cut (and flagged). */
export const MAX_DEAD_LETTER_PAYLOAD = 1024 * 1024;

export interface NewDeadLetter {
  origin: Origin;
  key?: string;
  payload: string;
  error: string;
  urns: string[];
}

export interface DeadLetterRow {
  id: string;
  source: string;
  topic: string | null;
  partition: number | null;
  offset: string | null;
  eventKey: string | null;
  payload: string;
  payloadTruncated: boolean;
  error: string;
  urns: string[];
  receivedAt: Date;
  replayedAt: Date | null;
  replayError: string | null;
}

const COLUMNS = `id::text AS "id", source, topic, kafka_partition AS "partition", kafka_offset::text AS "offset",
  event_key AS "eventKey", payload, payload_truncated AS "payloadTruncated", error, urns, received_at AS "receivedAt",
  replayed_at AS "replayedAt", replay_error AS "replayError"`;

export function payloadText(body: unknown): string {
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  if (typeof body === 'string') return body;
  try {
    return JSON.stringify(body) ?? String(body);
  } catch {
    return String(body);
  }
}

export class DeadLetterRepository {
  async insert(sql: Sql, letters: NewDeadLetter[]): Promise<string[]> {
    if (letters.length === 0) return [];
    const rows = letters.map((l) => {
      const k = l.origin.source === 'kafka' ? l.origin : undefined;
      // NUL cannot be stored in text; it is shown escaped.
      const payload = l.payload.replace(/\u0000/g, '\\u0000');
      return {
        source: l.origin.source, topic: k?.topic ?? null, kafka_partition: k?.partition ?? null, kafka_offset: k?.offset ?? null,
        event_key: l.key ?? null, payload: payload.slice(0, MAX_DEAD_LETTER_PAYLOAD), payload_truncated: payload.length > MAX_DEAD_LETTER_PAYLOAD,
        error: l.error.replace(/\u0000/g, '').slice(0, 4000), urns: l.urns,
      };
    });
    const ids = await sql.query<{ id: string }>(
      `INSERT INTO dead_letter (source, topic, kafka_partition, kafka_offset, event_key, payload, payload_truncated, error, urns)
       SELECT source, topic, kafka_partition, kafka_offset, event_key, payload, payload_truncated, error, urns
         FROM jsonb_to_recordset($1::jsonb) AS x(source text, topic text, kafka_partition int, kafka_offset bigint, event_key text,
              payload text, payload_truncated boolean, error text, urns text[])
       RETURNING id::text AS "id"`,
      [JSON.stringify(rows)],
    );
    return ids.map((r) => r.id);
  }

  async page(sql: Sql, filter: { pending?: boolean; urn?: string }, limit: number, afterId?: string): Promise<DeadLetterRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.pending) where.push('replayed_at IS NULL');
    if (filter.urn) {
      params.push(filter.urn);
      where.push(`urns @> ARRAY[$${params.length}::text]`);
    }
    if (afterId) {
      params.push(afterId);
      where.push(`id < $${params.length}`);
    }
    params.push(limit);
    return sql.query<DeadLetterRow>(
      `SELECT ${COLUMNS} FROM dead_letter ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
  }

  async byId(sql: Sql, id: string): Promise<DeadLetterRow | undefined> {
    const [row] = await sql.query<DeadLetterRow>(`SELECT ${COLUMNS} FROM dead_letter WHERE id = $1`, [id]);
    return row;
  }

  async markReplayed(sql: Sql, id: string, error: string | null): Promise<void> {
    await sql.query(
      `UPDATE dead_letter SET replayed_at = CASE WHEN $2::text IS NULL THEN now() ELSE replayed_at END, replay_error = $2 WHERE id = $1`,
      [id, error],
    );
  }

  async pendingCount(sql: Sql): Promise<number> {
    const [row] = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM dead_letter WHERE replayed_at IS NULL`);
    return Number(row.n);
  }
}
