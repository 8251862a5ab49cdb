/**
 * Errors after which the same work may succeed when retried (the database restarting, unreachable, a
 * deadlock or serialization conflict), as opposed to errors in the data, which retrying cannot fix.
 */
const TRANSIENT_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01|55P03)/;
const TRANSIENT_NODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

export function isTransient(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e) return false;
  if (typeof e.code === 'string' && (TRANSIENT_SQLSTATE.test(e.code) || TRANSIENT_NODE.has(e.code))) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  // 55000 is also raised for errors in the data; only this message of it means "closed for now" (maintenance).
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|is not currently accepting connections/i.test(message);
}
