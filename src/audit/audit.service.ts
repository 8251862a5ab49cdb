/**
 * The audit log: appends (inside the caller's transaction when there is one, so a mutation and its entry
 * commit together; no lock, so writers never queue behind each other), detached appends for denials, a
 * sealer chaining committed entries (every PEDIGREE_AUDIT_SEAL_INTERVAL_MS), auditor queries and chain verification. Owns
 * `audit_log` and `audit_chain`.
 */
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { Db } from '../platform/database/db';
import { ROOT_LOGGER } from '../platform/logging/logger';
import { CONFIG, PedigreeConfig } from '../platform/config/config';
import { entryHash, GENESIS, missingHash, normalizeDetails } from './audit-chain';
import { AuditFilter, AuditRepository, ChainLink, StoredEntry } from './audit.repository';

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
  /** Entries appended but not chained yet (their transactions are committing, or an earlier one is). */
  unsealed: number;
}

const VERIFY_PAGE = 5000;
const SEAL_BATCH = 5000;
/** A gap in the numbering older than this is a rolled-back append, sealed as missing. */
const SEAL_HORIZON_MS = 60_000;

@Injectable()
export class AuditService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly repo = new AuditRepository();
  private timer?: NodeJS.Timeout;
  private sealing?: Promise<number>;

  constructor(
    private readonly db: Db,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(CONFIG) private readonly config: Pick<PedigreeConfig, 'auditSealIntervalMs'>,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.auditSealIntervalMs) return;
    this.timer = setInterval(() => {
      this.seal().catch((err: unknown) => this.logger.warn({ err }, 'could not seal audit entries; will retry'));
    }, this.config.auditSealIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sealing?.catch(() => undefined);
  }

  /** Appends entries; inside a surrounding transaction they commit (or roll back) with it. */
  async record(...events: AuditEvent[]): Promise<void> {
    await this.repo.append(this.db, events.map(toFields));
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

  /** Chains every committed entry not chained yet (one sealer at a time); returns how many links it added. */
  seal(): Promise<number> {
    this.sealing ??= (async () => {
      let total = 0;
      for (;;) {
        const added = await this.db.detached((tx) => this.repo.seal(tx, SEAL_HORIZON_MS, SEAL_BATCH));
        total += added;
        if (added < SEAL_BATCH) return total;
      }
    })().finally(() => (this.sealing = undefined));
    return this.sealing;
  }

  /** Who read the data (locations, payloads) of these targets in [from, to), per principal. */
  dataReaders(targets: string[], from: Date, to: Date): Promise<{ principal: string; reads: number; first: Date; last: Date }[]> {
    return this.repo.dataReaders(this.db, targets, from, to);
  }

  page(filter: AuditFilter, limit: number, beforeSeq?: string): Promise<StoredEntry[]> {
    return this.repo.page(this.db, filter, limit, beforeSeq);
  }

  /**
   * Seals what is committed, then recomputes the chain over entries at or after `from` and before `to`
   * (everything by default): links have no gaps, each follows its predecessor's hash, each hash matches its
   * entry's content, no sealed entry is gone and none appeared where a missing one was sealed. Stops at the
   * first broken link and says which and why.
   */
  async verify(from?: Date, to?: Date, onProgress?: (checked: number) => void): Promise<ChainVerification> {
    await this.seal();
    let after = from ? await this.repo.seqBefore(this.db, from) : '0';
    let prev: Buffer = GENESIS;
    const result: ChainVerification = { ok: true, checked: 0, firstSeq: null, lastSeq: null, headHash: null, brokenAt: null, reason: null, unsealed: 0 };
    if (after !== '0') {
      const before = await this.repo.link(this.db, after);
      if (!before) return { ...result, ok: false, brokenAt: after, reason: `link ${after} is missing` };
      prev = before.hash;
    }
    let next = this.repo.links(this.db, after, VERIFY_PAGE);
    for (;;) {
      const links = await next;
      // Fetch the next page while this one is hashed.
      if (links.length === VERIFY_PAGE) {
        next = this.repo.links(this.db, links[links.length - 1].seq, VERIFY_PAGE);
        next.catch(() => undefined); // awaited below; an early return must not leave it unhandled
      }
      for (const link of links) {
        if (to && link.entry && link.entry.at >= to) return this.done(result, prev);
        const problem = brokenLink(link, after, prev);
        if (problem) return { ...result, ok: false, brokenAt: problem.at, reason: problem.reason };
        if (!link.missing) {
          result.firstSeq ??= link.seq;
          result.lastSeq = link.seq;
          result.checked += 1;
        }
        prev = link.hash;
        after = link.seq;
      }
      onProgress?.(result.checked);
      if (links.length < VERIFY_PAGE) return this.done(result, prev);
    }
  }

  private async done(result: ChainVerification, head: Buffer): Promise<ChainVerification> {
    return { ...result, headHash: result.checked ? head.toString('hex') : null, unsealed: await this.repo.unsealed(this.db) };
  }
}

/** What is wrong with a link given the one before it (seq `after`, hash `prev`), or undefined. */
function brokenLink(link: ChainLink, after: string, prev: Buffer): { at: string; reason: string } | undefined {
  const expected = (BigInt(after) + 1n).toString();
  if (link.seq !== expected) return { at: expected, reason: `link ${expected} is missing (the next link is ${link.seq})` };
  if (!link.prevHash.equals(prev)) return { at: link.seq, reason: `link ${link.seq} does not follow the hash of link ${after}` };
  if (link.missing) {
    if (link.entry) return { at: link.seq, reason: `entry ${link.seq} appeared after its number was sealed as never written` };
    if (!missingHash(prev, link.seq).equals(link.hash)) return { at: link.seq, reason: `link ${link.seq} was forged` };
    return undefined;
  }
  if (!link.entry) return { at: link.seq, reason: `entry ${link.seq} is missing (deleted after it was sealed)` };
  if (!entryHash(prev, link.entry).equals(link.hash)) {
    return { at: link.seq, reason: `entry ${link.seq} was changed after it was written (its hash does not match its content)` };
  }
  return undefined;
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
