/**
 * The write half of enforcement for catalog mutations. The mutation's transaction carries a guard (set by
 * the access layer for the calling principal); the catalog consults it wherever a write touches an entity —
 * node upserts (the entity before and after the change), the targets of stage changes, revisions and
 * context membership, and every URN an input refers to (a reference the caller may not read is "not in the
 * catalog", so writes cannot probe for hidden entities). Ingestion routes and Kafka carry no guard: they are
 * governed as a whole by `write` on `Ingestion`.
 */
import type { Sql } from '../database/db';
import type { AccessAttributes } from './access-scope';

export interface WriteGuard {
  /** Throws FORBIDDEN unless the caller may write this entity (as it is, or as it is about to become). */
  requireWrite(entity: AccessAttributes): void;
  /** Whether the caller may read (and so refer to) this entity. */
  mayRead(entity: AccessAttributes): boolean;
}

const guards = new WeakMap<object, WriteGuard>();

export function setWriteGuard(tx: Sql, guard: WriteGuard): void {
  guards.set(tx, guard);
}

export function writeGuardOf(sql: Sql): WriteGuard | undefined {
  return guards.get(sql);
}

/**
 * Runs `work` without the guard: for a write that acts on an approved request rather than on the caller's
 * own rights (the requester was checked when asking; the approver holds `approve`, not `write`).
 */
export async function withoutWriteGuard<T>(sql: Sql, work: () => Promise<T>): Promise<T> {
  const guard = guards.get(sql);
  guards.delete(sql);
  try {
    return await work();
  } finally {
    if (guard) guards.set(sql, guard);
  }
}
