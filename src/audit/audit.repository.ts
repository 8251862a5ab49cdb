/** SQL for the append-only `audit_log` table: chained appends, filtered keyset pages, ordered scans. */
import { Sql } from '../platform/database/db';
import { AuditFields, entryHash, GENESIS } from './audit-chain';

export interface StoredEntry extends AuditFields {
  prevHash: Buffer;
  hash: Buffer;
}

export interface AuditFilter {
  principal?: string;
  action?: string;
  target?: string;
  outcome?: string;
  from?: Date;
  to?: Date;
}

/** Serializes appends: every writer of the chain takes this transaction-scoped advisory lock first. */
const CHAIN_LOCK = 0x50_44_47_41; // "PDGA"

/** Over alias `a`: ORDER BY must name `a.seq`, since the output column "seq" is text. */
const COLUMNS = `a.seq::text AS "seq", a.at, a.principal, a.action, a.target, a.outcome, a.request_id AS "requestId", a.details,
  a.prev_hash AS "prevHash", a.hash`;

export class AuditRepository {
  /**
   * Appends entries at the end of the chain. Must run inside a transaction: the lock is held until it
   * commits, so the link to the last entry cannot be raced; entries are stamped with the time under the lock.
   * Returns the stored entries.
   */
  async append(tx: Sql, entries: Omit<AuditFields, 'seq' | 'at'>[]): Promise<StoredEntry[]> {
    if (entries.length === 0) return [];
    await tx.query(`SELECT pg_advisory_xact_lock($1)`, [CHAIN_LOCK]);
    const last = await tx.query<{ seq: string; hash: Buffer }>(`SELECT a.seq::text AS "seq", a.hash FROM audit_log a ORDER BY a.seq DESC LIMIT 1`);
    let prev: Buffer = last[0]?.hash ?? GENESIS;
    let seq = BigInt(last[0]?.seq ?? '0');
    // Stamped under the lock, so times never go backwards along the chain.
    const at = new Date();
    const stored: StoredEntry[] = entries.map((e) => {
      seq += 1n;
      const fields: AuditFields = { ...e, at, seq: seq.toString() };
      const hash = entryHash(prev, fields);
      const entry = { ...fields, prevHash: prev, hash };
      prev = hash;
      return entry;
    });
    await tx.query(
      `INSERT INTO audit_log (seq, at, principal, action, target, outcome, request_id, details, prev_hash, hash)
       SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                            $8::jsonb[], $9::bytea[], $10::bytea[])`,
      [
        stored.map((e) => e.seq),
        stored.map((e) => e.at),
        stored.map((e) => e.principal),
        stored.map((e) => e.action),
        stored.map((e) => e.target),
        stored.map((e) => e.outcome),
        stored.map((e) => e.requestId),
        stored.map((e) => JSON.stringify(e.details)),
        stored.map((e) => e.prevHash),
        stored.map((e) => e.hash),
      ],
    );
    return stored;
  }

  /** Newest first, keyset on seq. Every filter value is a bound parameter. */
  async page(sql: Sql, f: AuditFilter, limit: number, beforeSeq?: string): Promise<StoredEntry[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (cond: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(cond(`$${params.length}`));
    };
    if (f.principal !== undefined) add((p) => `a.principal = ${p}`, f.principal);
    if (f.action !== undefined) add((p) => `a.action = ${p}`, f.action);
    if (f.target !== undefined) add((p) => `a.target = ${p}`, f.target);
    if (f.outcome !== undefined) add((p) => `a.outcome = ${p}`, f.outcome);
    if (f.from !== undefined) add((p) => `a.at >= ${p}`, f.from);
    if (f.to !== undefined) add((p) => `a.at < ${p}`, f.to);
    if (beforeSeq !== undefined) add((p) => `a.seq < ${p}::bigint`, beforeSeq);
    params.push(limit);
    return sql.query<StoredEntry>(
      `SELECT ${COLUMNS} FROM audit_log a ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.seq DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** Entries after `afterSeq` in chain order, at most `limit`, stopping at time `to`. */
  async scan(sql: Sql, afterSeq: string, limit: number, to?: Date): Promise<StoredEntry[]> {
    return sql.query<StoredEntry>(
      `SELECT ${COLUMNS} FROM audit_log a WHERE a.seq > $1::bigint AND ($2::timestamptz IS NULL OR a.at < $2) ORDER BY a.seq LIMIT $3`,
      [afterSeq, to ?? null, limit],
    );
  }

  /** The seq just before the first entry at or after `from` (0 when none precedes it). */
  async seqBefore(sql: Sql, from: Date): Promise<string> {
    const rows = await sql.query<{ seq: string }>(
      `SELECT coalesce((SELECT min(seq) FROM audit_log WHERE at >= $1), (SELECT max(seq) + 1 FROM audit_log), 1)::text AS "seq"`,
      [from],
    );
    return (BigInt(rows[0].seq) - 1n).toString();
  }

  async bySeq(sql: Sql, seq: string): Promise<StoredEntry | undefined> {
    const rows = await sql.query<StoredEntry>(`SELECT ${COLUMNS} FROM audit_log a WHERE a.seq = $1::bigint`, [seq]);
    return rows[0];
  }
}
