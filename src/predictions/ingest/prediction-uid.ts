/**
 * The storage key of a prediction id. An id in UUID form (8-4-4-4-12 hexadecimal digits, any version, any
 * case) is its own key; any other string is keyed by a name-based UUID — version 8, the first 16 bytes of
 * the SHA-256 of its UTF-8 bytes — and kept as written. Ingestion (from bytes) and lookups (from strings)
 * derive the same key.
 */
import { createHash } from 'node:crypto';

/** The value of an ASCII hexadecimal digit by its code (-1 for anything else). */
export const HEX = new Int8Array(128).fill(-1);
for (let c = 0; c < 10; c++) HEX[48 + c] = c;
for (let c = 0; c < 6; c++) HEX[97 + c] = HEX[65 + c] = 10 + c;
const DASH = 45;

/** Parses a UUID-form id into `out` at `at`; false (and nothing written) when the bytes are not one. */
function parseUuid(bytes: Uint8Array, start: number, end: number, out: Uint8Array, at: number): boolean {
  if (end - start !== 36) return false;
  if (bytes[start + 8] !== DASH || bytes[start + 13] !== DASH || bytes[start + 18] !== DASH || bytes[start + 23] !== DASH) return false;
  let p = start;
  for (let k = 0; k < 16; k++) {
    if (p === start + 8 || p === start + 13 || p === start + 18 || p === start + 23) p++;
    const hi = HEX[bytes[p]] ?? -1;
    const lo = HEX[bytes[p + 1]] ?? -1;
    if (hi < 0 || lo < 0) return false;
    out[at + k] = (hi << 4) | lo;
    p += 2;
  }
  return true;
}

/**
 * Writes the 16-byte key of the id bytes[start..end) into `out` at `at`; true when the id is in UUID form
 * (it need not be stored separately).
 */
export function writeUid(bytes: Uint8Array, start: number, end: number, out: Uint8Array, at: number): boolean {
  if (parseUuid(bytes, start, end, out, at)) return true;
  const digest = createHash('sha256').update(bytes.subarray(start, end)).digest();
  digest.copy(out, at, 0, 16);
  out[at + 6] = 0x80 | (out[at + 6] & 0x0f);
  out[at + 8] = 0x80 | (out[at + 8] & 0x3f);
  return false;
}

/** The key of an id, as the canonical UUID text PostgreSQL prints. */
export function predictionUid(id: string): string {
  const bytes = Buffer.from(id, 'utf8');
  const key = Buffer.alloc(16);
  writeUid(bytes, 0, bytes.length, key, 0);
  const h = key.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
