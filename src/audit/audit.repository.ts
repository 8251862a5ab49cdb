/**
 * SQL for the append-only `audit_log` and `audit_chain` tables: lock-free appends (inside the caller's
 * transaction), sealing appended entries into the hash chain in `seq` order (one sealer at a time), filtered
 * keyset pages and ordered scans of the chain for verification.
 */
import { Sql } from '../platform/database/db';
import { AuditFields, ChainedFields, entryHash, GENESIS, missingHash } from './audit-chain';

export interface StoredEntry extends AuditFields {
  /** The link's hash; null until the sealer has chained the entry. */
  hash: Buffer | null;
}

/** One link of the chain with the entry it seals (absent when deleted, or sealed as missing). */
export interface ChainLink {
  seq: string;
  missing: boolean;
  prevHash: Buffer;
  hash: Buffer;
  entry: ChainedFields | null;
}

export interface AuditFilter {
  principal?: string;
  action?: string;
  target?: string;
  outcome?: string;
  from?: Date;
  to?: Date;
}

/** Only one sealer at a time (across replicas): it takes this transaction-scoped advisory lock. */
const SEAL_LOCK = 0x50_44_47_41; // "PDGA"

/** Over alias `a`: ORDER BY must name `a.seq`, since the output column "seq" is text. */
const ENTRY = `a.seq::text AS "seq", a.at, a.principal, a.action, a.target, a.outcome, a.request_id AS "requestId", a.details`;
/** What the chain hashes: the details as jsonb text, never parsed. */
const CHAINED = `a.seq::text AS "seq", a.at, a.principal, a.action, a.target, a.outcome, a.request_id AS "requestId", a.details::text AS "detailsText"`;

export class AuditRepository {
  /** Appends entries (numbered and stamped by the database); no lock, so concurrent writers never wait. */
  async append(sql: Sql, entries: Omit<AuditFields, 'seq' | 'at'>[]): Promise<void> {
    if (entries.length === 0) return;
    await sql.query(
      `INSERT INTO audit_log (principal, action, target, outcome, request_id, details)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[])`,
      [
        entries.map((e) => e.principal),
        entries.map((e) => e.action),
        entries.map((e) => e.target),
        entries.map((e) => e.outcome),
        entries.map((e) => e.requestId),
        entries.map((e) => JSON.stringify(e.details)),
      ],
    );
  }

  /**
   * Chains the entries after the sealed head, in `seq` order, up to `limit`. A hole in the numbering is an
   * entry not committed yet — sealing stops there — unless the entry after it is older than `horizonMs`: then
   * its transaction rolled back, and the hole is sealed as missing. Must run in a transaction; returns the
   * number of links added (0 when another sealer holds the lock).
   */
  async seal(tx: Sql, horizonMs: number, limit: number): Promise<number> {
    const [locked] = await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock($1::bigint) AS ok`, [SEAL_LOCK]);
    if (!locked.ok) return 0;
    const [head] = await tx.query<{ seq: string; hash: Buffer }>(`SELECT c.seq::text AS "seq", c.hash FROM audit_chain c ORDER BY c.seq DESC LIMIT 1`);
    const rows = await tx.query<ChainedFields & { old: boolean }>(
      `SELECT ${CHAINED}, a.at < now() - make_interval(secs => $3::float8 / 1000) AS "old"
         FROM audit_log a WHERE a.seq > $1::bigint ORDER BY a.seq LIMIT $2`,
      [head?.seq ?? '0', limit, horizonMs],
    );
    let prev: Buffer = head?.hash ?? GENESIS;
    let expected = BigInt(head?.seq ?? '0') + 1n;
    const links: { seq: string; missing: boolean; prevHash: Buffer; hash: Buffer }[] = [];
    for (const row of rows) {
      const seq = BigInt(row.seq);
      if (seq > expected && !row.old) break; // an earlier entry may still commit
      for (; expected < seq; expected++) {
        const hash = missingHash(prev, expected.toString());
        links.push({ seq: expected.toString(), missing: true, prevHash: prev, hash });
        prev = hash;
      }
      const { old: _old, ...entry } = row;
      const hash = entryHash(prev, entry);
      links.push({ seq: row.seq, missing: false, prevHash: prev, hash });
      prev = hash;
      expected = seq + 1n;
    }
    if (!links.length) return 0;
    await tx.query(
      `INSERT INTO audit_chain (seq, missing, prev_hash, hash) SELECT * FROM unnest($1::bigint[], $2::bool[], $3::bytea[], $4::bytea[])`,
      [links.map((l) => l.seq), links.map((l) => l.missing), links.map((l) => l.prevHash), links.map((l) => l.hash)],
    );
    return links.length;
  }

  /** Newest first, keyset on seq, with each entry's link hash when sealed. Every filter value is bound. */
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
      `SELECT ${ENTRY}, c.hash FROM audit_log a LEFT JOIN audit_chain c ON c.seq = a.seq
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.seq DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** Links after `afterSeq`, in order, with their entries, at most `limit`. */
  async links(sql: Sql, afterSeq: string, limit: number): Promise<ChainLink[]> {
    const rows = await sql.query<Omit<ChainLink, 'entry'> & Omit<ChainedFields, 'seq'> & { present: boolean }>(
      `SELECT c.seq::text AS "seq", c.missing, c.prev_hash AS "prevHash", c.hash, a.seq IS NOT NULL AS "present",
              a.at, a.principal, a.action, a.target, a.outcome, a.request_id AS "requestId", a.details::text AS "detailsText"
         FROM audit_chain c LEFT JOIN audit_log a ON a.seq = c.seq
        WHERE c.seq > $1::bigint ORDER BY c.seq LIMIT $2`,
      [afterSeq, limit],
    );
    return rows.map(({ seq, missing, prevHash, hash, present, ...e }) => ({
      seq,
      missing,
      prevHash,
      hash,
      entry: present ? { seq, at: e.at, principal: e.principal, action: e.action, target: e.target, outcome: e.outcome, requestId: e.requestId, detailsText: e.detailsText } : null,
    }));
  }

  /** The seq of the link just before the first entry at or after `from` (0 when none precedes it). */
  async seqBefore(sql: Sql, from: Date): Promise<string> {
    const [row] = await sql.query<{ seq: string }>(
      `SELECT (coalesce((SELECT min(seq) FROM audit_log WHERE at >= $1), (SELECT max(seq) + 1 FROM audit_chain), 1) - 1)::text AS "seq"`,
      [from],
    );
    return row.seq;
  }

  async link(sql: Sql, seq: string): Promise<{ hash: Buffer } | undefined> {
    const [row] = await sql.query<{ hash: Buffer }>(`SELECT c.hash FROM audit_chain c WHERE c.seq = $1::bigint`, [seq]);
    return row;
  }

  /** Who read the data of these targets in [from, to): reads, first and last time, per principal. */
  async dataReaders(sql: Sql, targets: string[], from: Date, to: Date): Promise<{ principal: string; reads: number; first: Date; last: Date }[]> {
    return sql.query(
      `SELECT a.principal, count(*)::int AS reads, min(a.at) AS first, max(a.at) AS last FROM audit_log a
        WHERE a.action = 'readData' AND a.target = ANY($1::text[]) AND a.at >= $2 AND a.at < $3
        GROUP BY a.principal ORDER BY a.principal`,
      [targets, from, to],
    );
  }

  /** Entries not sealed yet (after the sealed head). */
  async unsealed(sql: Sql): Promise<number> {
    const [row] = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log a WHERE a.seq > (SELECT coalesce(max(c.seq), 0) FROM audit_chain c)`,
    );
    return row.n;
  }
}
