/**
 * Batch-first repositories answer "for each of these ids, its rows" as a Map in which every requested id
 * has an entry (empty when nothing matched), rows in query order.
 */
export function groupRows<R, V = R>(
  keys: readonly string[],
  rows: readonly R[],
  keyOf: (row: R) => string,
  valueOf: (row: R) => V = (row) => row as unknown as V,
): Map<string, V[]> {
  const out = new Map<string, V[]>(keys.map((k) => [k, []]));
  for (const row of rows) out.get(keyOf(row))?.push(valueOf(row));
  return out;
}
