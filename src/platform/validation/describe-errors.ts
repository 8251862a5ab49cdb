/** JSON Schema (ajv) errors as one line a producer can act on: where in the document, and what is wrong. */
import type { ErrorObject } from 'ajv';

export function describeErrors(errors: ErrorObject[] | null | undefined, what = '(the event)'): string {
  const e = errors?.[0];
  if (!e) return 'does not match the schema';
  const where = e.instancePath || what;
  const extra = e.keyword === 'additionalProperties' ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"` : '';
  const allowed = e.keyword === 'enum' ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` : '';
  return `${where} ${e.message}${extra}${allowed}`;
}
