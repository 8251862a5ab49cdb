/** Limits on free-form JSON (properties, params, metrics, signatures): an object, bounded in size and depth. */
import { InvalidInputError } from '../../platform/errors/errors';

const MAX_DEPTH = 10;

function depthOf(value: unknown, depth = 0): number {
  if (depth > MAX_DEPTH) return depth;
  if (value === null || typeof value !== 'object') return depth;
  let max = depth;
  for (const child of Object.values(value)) max = Math.max(max, depthOf(child, depth + 1));
  return max;
}

export function checkJsonObject(field: string, value: unknown, maxBytes: number): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidInputError(`${field} must be a JSON object.`);
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes > maxBytes) {
    throw new InvalidInputError(`${field} is ${bytes} bytes of JSON; the limit is ${maxBytes} bytes (PEDIGREE_MAX_PROPERTIES_BYTES).`);
  }
  if (depthOf(value) > MAX_DEPTH) throw new InvalidInputError(`${field} nests deeper than ${MAX_DEPTH} levels.`);
  if (JSON.stringify(value).includes('\\u0000')) throw new InvalidInputError(`${field} contains a NUL character.`);
  return value as Record<string, unknown>;
}
