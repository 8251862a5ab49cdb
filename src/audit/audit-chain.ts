/**
 * The audit log's hash chain. Each link's hash is sha256 over the previous link's hash (hex) and the entry's
 * canonical serialization: JSON with keys sorted at every level, the time as an ISO-8601 string in
 * milliseconds; a sequence number no committed entry took links `{seq, missing: true}` instead. The first
 * link chains from GENESIS. Verification recomputes exactly this, so any edit of a stored field, a removed,
 * added or re-ordered entry, or a forged link shows as a broken link.
 */
import { createHash } from 'node:crypto';

export const GENESIS = Buffer.alloc(32);

export interface AuditFields {
  seq: string;
  at: Date;
  principal: string;
  action: string;
  target: string | null;
  outcome: string;
  requestId: string | null;
  details: Record<string, unknown>;
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

export function entryHash(prev: Buffer, e: AuditFields): Buffer {
  const body = canonicalJson({
    seq: e.seq,
    at: e.at.toISOString(),
    principal: e.principal,
    action: e.action,
    target: e.target,
    outcome: e.outcome,
    requestId: e.requestId,
    details: e.details,
  });
  return createHash('sha256').update(prev.toString('hex')).update('\n').update(body).digest();
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
