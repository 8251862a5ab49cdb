/**
 * The audit log: appends (inside the caller's transaction when there is one, so a mutation and its entry
 * commit together), detached appends for denials, auditor queries and chain verification. Owns `audit_log`.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Db } from '../platform/database/db';
import { ROOT_LOGGER } from '../platform/logging/logger';
import { entryHash, GENESIS, normalizeDetails } from './audit-chain';
import { AuditFilter, AuditRepository, StoredEntry } from './audit.repository';

export type AuditOutcome = 'succeeded' | 'failed' | 'denied' | 'allowed';

export interface AuditEvent {
  principal: string;
  action: string;
  target?: string | null;
  outcome: AuditOutcome;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  firstSeq: string | null;
  lastSeq: string | null;
  headHash: string | null;
  brokenAt: string | null;
  reason: string | null;
}

const VERIFY_PAGE = 5000;

@Injectable()
export class AuditService {
  private readonly repo = new AuditRepository();

  constructor(
    private readonly db: Db,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** Appends entries; inside a surrounding transaction they commit (or roll back) with it. */
  async record(...events: AuditEvent[]): Promise<StoredEntry[]> {
    return this.db.transaction((tx) => this.repo.append(tx, events.map(toFields)));
  }

  /**
   * Appends in a transaction of its own and never throws (a failure is logged): for denials and reads,
   * which must be recorded even when the surrounding work fails, and must not fail the answer themselves.
   */
  recordDetached(...events: AuditEvent[]): Promise<void> {
    return this.db
      .detached((tx) => this.repo.append(tx, events.map(toFields)))
      .then(
        () => undefined,
        (err: unknown) => this.logger.error({ err, events: events.length }, 'could not append to the audit log'),
      );
  }

  page(filter: AuditFilter, limit: number, beforeSeq?: string): Promise<StoredEntry[]> {
    return this.repo.page(this.db, filter, limit, beforeSeq);
  }

  /**
   * Recomputes the chain over entries at or after `from` and before `to` (everything by default), checking
   * that sequence numbers have no gaps, each entry links to its predecessor's hash, and each hash matches
   * the entry's content. Stops at the first broken link and says which and why.
   */
  async verify(from?: Date, to?: Date, onProgress?: (checked: number) => void): Promise<ChainVerification> {
    let afterSeq = from ? await this.repo.seqBefore(this.db, from) : '0';
    let prev: Buffer = GENESIS;
    if (afterSeq !== '0') {
      const before = await this.repo.bySeq(this.db, afterSeq);
      if (!before) return broken(0, null, null, (BigInt(afterSeq) + 1n).toString(), `entry ${afterSeq} is missing`);
      prev = before.hash;
    }
    let checked = 0;
    let firstSeq: string | null = null;
    let lastSeq: string | null = null;
    for (;;) {
      const rows = await this.repo.scan(this.db, afterSeq, VERIFY_PAGE, to);
      for (const e of rows) {
        const expected = (BigInt(afterSeq) + 1n).toString();
        if (e.seq !== expected) return broken(checked, firstSeq, lastSeq, expected, `entry ${expected} is missing (the next entry is ${e.seq})`);
        if (!e.prevHash.equals(prev)) {
          return broken(checked, firstSeq, lastSeq, e.seq, `entry ${e.seq} does not link to the hash of entry ${afterSeq}`);
        }
        if (!entryHash(e.prevHash, e).equals(e.hash)) {
          return broken(checked, firstSeq, lastSeq, e.seq, `entry ${e.seq} was changed after it was written (its hash does not match its content)`);
        }
        firstSeq ??= e.seq;
        lastSeq = e.seq;
        prev = e.hash;
        afterSeq = e.seq;
        checked += 1;
      }
      onProgress?.(checked);
      if (rows.length < VERIFY_PAGE) break;
    }
    return { ok: true, checked, firstSeq, lastSeq, headHash: checked ? prev.toString('hex') : null, brokenAt: null, reason: null };
  }
}

function toFields(e: AuditEvent) {
  return {
    principal: e.principal,
    action: e.action,
    target: e.target ?? null,
    outcome: e.outcome,
    requestId: e.requestId ?? null,
    details: normalizeDetails(e.details),
  };
}

function broken(checked: number, firstSeq: string | null, lastSeq: string | null, at: string, reason: string): ChainVerification {
  return { ok: false, checked, firstSeq, lastSeq, headHash: null, brokenAt: at, reason };
}
