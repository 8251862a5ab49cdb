/**
 * One batch of prediction records in columnar form, the shape both decoders (Arrow IPC, JSON lines) produce
 * and the COPY encoder consumes. Text columns keep Arrow's layout (offsets into one byte buffer plus a
 * validity bitmap), so an Arrow record batch is used in place: no per-row JavaScript strings for ids or
 * payloads.
 */

/** UTF-8 strings, Arrow `Utf8` layout: row i is bytes[offsets[base + i] .. offsets[base + i + 1]). */
export interface TextColumn {
  offsets: Int32Array;
  bytes: Uint8Array;
  /** Validity bitmap (bit base + i); null when every row has a value. */
  validity: Uint8Array | null;
  base: number;
}

/** A low-cardinality string column: one code per row into `values` (-1 = null). */
export interface CodedColumn {
  codes: Int32Array;
  values: string[];
}

export interface PredictionColumns {
  length: number;
  id: TextColumn;
  deployment: CodedColumn;
  modelVersion: CodedColumn;
  /** Milliseconds since the Unix epoch (fractional for finer units). */
  timestampMs: Float64Array;
  input: TextColumn | null;
  output: TextColumn | null;
  inputSha256: TextColumn | null;
  outputSha256: TextColumn | null;
  latencyMs: { values: Float64Array; validity: Uint8Array | null; base: number } | null;
  metadata: TextColumn | null;
}

export function isValid(validity: Uint8Array | null, base: number, i: number): boolean {
  if (!validity) return true;
  const bit = base + i;
  return (validity[bit >> 3] & (1 << (bit & 7))) !== 0;
}

export function textAt(col: TextColumn, i: number): Uint8Array | null {
  if (!isValid(col.validity, col.base, i)) return null;
  return col.bytes.subarray(col.offsets[col.base + i], col.offsets[col.base + i + 1]);
}

export function textLength(col: TextColumn, i: number): number {
  return col.offsets[col.base + i + 1] - col.offsets[col.base + i];
}

const decoder = new TextDecoder();
export function stringAt(col: TextColumn, i: number): string | null {
  const bytes = textAt(col, i);
  return bytes === null ? null : decoder.decode(bytes);
}

/** Builds a TextColumn from JavaScript strings (JSON lines, tests). */
export function textColumn(values: (string | null)[]): TextColumn {
  const encoder = new TextEncoder();
  const parts = values.map((v) => (v === null ? null : encoder.encode(v)));
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  parts.forEach((p, i) => {
    total += p?.length ?? 0;
    offsets[i + 1] = total;
  });
  const bytes = new Uint8Array(total);
  parts.forEach((p, i) => p && bytes.set(p, offsets[i]));
  const hasNull = parts.some((p) => p === null);
  let validity: Uint8Array | null = null;
  if (hasNull) {
    validity = new Uint8Array((values.length + 7) >> 3);
    parts.forEach((p, i) => {
      if (p !== null) validity![i >> 3] |= 1 << (i & 7);
    });
  }
  return { offsets, bytes, validity, base: 0 };
}

/** Codes strings by first appearance (null → -1). */
export function codedColumn(values: (string | null)[]): CodedColumn {
  const index = new Map<string, number>();
  const codes = new Int32Array(values.length);
  values.forEach((v, i) => {
    if (v === null) {
      codes[i] = -1;
      return;
    }
    let code = index.get(v);
    if (code === undefined) {
      code = index.size;
      index.set(v, code);
    }
    codes[i] = code;
  });
  return { codes, values: [...index.keys()] };
}
