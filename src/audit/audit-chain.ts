/**
 * The audit log's hash chain. Each link's hash is sha256 over the previous link's hash (hex) and the entry's
 * canonical serialization: its fields as JSON with sorted keys (the time as an ISO-8601 string in
 * milliseconds), a newline, and its details as PostgreSQL prints the stored jsonb (the sealer and every
 * verifier read that same text, so details are hashed without being parsed); a sequence number no committed entry took links `{seq, missing: true}` instead. The first
 * link chains from GENESIS. Verification recomputes exactly this, so any edit of a stored field, a removed,
 * added or re-ordered entry, or a forged link shows as a broken link.
 */
import { createHash } from 'node:crypto';

export const GENESIS = Buffer.alloc(32);

interface EntryFields {
  seq: string;
  at: Date;
  principal: string;
  action: string;
  target: string | null;
  outcome: string;
  requestId: string | null;
}

/** An entry as it is read and written. */
export interface AuditFields extends EntryFields {
  details: Record<string, unknown>;
}

/** An entry as the chain hashes it: its details as the database's jsonb text. */
export interface ChainedFields extends EntryFields {
  detailsText: string;
}

/** JSON with object keys sorted at every level (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function entryHash(prev: Buffer, e: ChainedFields): Buffer {
  const fields = canonicalJson({
    seq: e.seq,
    at: e.at.toISOString(),
    principal: e.principal,
    action: e.action,
    target: e.target,
    outcome: e.outcome,
    requestId: e.requestId,
  });
  return createHash('sha256').update(prev.toString('hex')).update('\n').update(fields).update('\n').update(e.detailsText).digest();
}

/** The link of a sequence number that no committed entry took (its transaction rolled back). */
export function missingHash(prev: Buffer, seq: string): Buffer {
  return createHash('sha256').update(prev.toString('hex')).update('\n').update(canonicalJson({ seq, missing: true })).digest();
}

/** Details as they will read back from jsonb (plain JSON values only), so the hash survives the round trip. */
export function normalizeDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!details) return {};
  return JSON.parse(JSON.stringify(details, (_k, v) => (typeof v === 'string' ? v.replace(/\u0000/g, '') : v))) as Record<string, unknown>;
}
