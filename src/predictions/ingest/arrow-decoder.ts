/**
 * Arrow IPC record batches → PredictionColumns. The documented schema (README, schema/predictions.md) is
 * checked column by column with errors that name the column, the type found and the type expected; text
 * columns are used in place (offsets and bytes of the record batch), low-cardinality ones are coded.
 */
import { Data, DataType, RecordBatch, TimeUnit, Type } from 'apache-arrow';
import { InvalidInputError } from '../../platform/errors/errors';
import { CodedColumn, PredictionColumns, TextColumn } from './columns';

export const ARROW_COLUMNS = {
  prediction_id: 'Utf8, required',
  deployment: 'Utf8 or Dictionary<Utf8>, required: a deployment URN or id',
  model_version: 'Utf8 or Dictionary<Utf8>, optional: a model version URN',
  timestamp: 'Timestamp (any unit, any time zone), required',
  input: 'Utf8 (JSON text), optional',
  output: 'Utf8 (JSON text), optional',
  input_sha256: 'Utf8 (64 hex characters), optional',
  output_sha256: 'Utf8 (64 hex characters), optional',
  latency_ms: 'Float32, Float64 or Int8–Int32, optional',
  metadata: 'Utf8 (JSON text), optional',
} as const;
type ColumnName = keyof typeof ARROW_COLUMNS;

const schemaHint = () =>
  `The documented columns: ${Object.entries(ARROW_COLUMNS)
    .map(([n, t]) => `${n} (${t})`)
    .join('; ')}.`;

function typeName(type: DataType): string {
  return String(type);
}

function onlyChunk(batch: RecordBatch, name: string): Data | null {
  const child = batch.getChild(name);
  if (!child) return null;
  // A record batch holds exactly one chunk per column.
  return child.data[0] as Data;
}

function text(name: string, data: Data): TextColumn {
  if (data.type.typeId !== Type.Utf8) {
    throw new InvalidInputError(`Column ${name} is ${typeName(data.type)}; expected ${ARROW_COLUMNS[name as ColumnName]}. ${schemaHint()}`);
  }
  return {
    offsets: data.valueOffsets as Int32Array,
    bytes: data.values as Uint8Array,
    validity: data.nullCount > 0 ? (data.nullBitmap as Uint8Array) : null,
    base: data.offset,
  };
}

function nullAt(data: Data, i: number): boolean {
  if (data.nullCount === 0) return false;
  const bit = data.offset + i;
  return (data.nullBitmap![bit >> 3] & (1 << (bit & 7))) === 0;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function coded(name: string, data: Data): CodedColumn {
  const codes = new Int32Array(data.length);
  if (data.type.typeId === Type.Dictionary) {
    const dictionary = data.dictionary?.data[0] as Data | undefined;
    if (!dictionary || dictionary.type.typeId !== Type.Utf8) {
      throw new InvalidInputError(`Column ${name} is ${typeName(data.type)}; expected ${ARROW_COLUMNS[name as ColumnName]}.`);
    }
    const col = text(name, dictionary);
    const values = Array.from({ length: dictionary.length }, (_, k) =>
      utf8.decode(col.bytes.subarray(col.offsets[col.base + k], col.offsets[col.base + k + 1])),
    );
    const indices = data.values as Int32Array;
    for (let i = 0; i < data.length; i++) codes[i] = nullAt(data, i) ? -1 : indices[data.offset + i];
    return { codes, values };
  }
  const col = text(name, data);
  const index = new Map<string, number>();
  let prevStart = -1;
  let prevEnd = -1;
  let prevCode = -1;
  for (let i = 0; i < data.length; i++) {
    if (nullAt(data, i)) {
      codes[i] = -1;
      continue;
    }
    const start = col.offsets[col.base + i];
    const end = col.offsets[col.base + i + 1];
    // Runs of one value (one deployment per batch is the common case) are recognised without decoding.
    if (prevCode >= 0 && end - start === prevEnd - prevStart && sameBytes(col.bytes, start, prevStart, end - start)) {
      codes[i] = prevCode;
      continue;
    }
    const value = utf8.decode(col.bytes.subarray(start, end));
    let code = index.get(value);
    if (code === undefined) {
      code = index.size;
      index.set(value, code);
    }
    codes[i] = prevCode = code;
    prevStart = start;
    prevEnd = end;
  }
  return { codes, values: [...index.keys()] };
}

function sameBytes(bytes: Uint8Array, a: number, b: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (bytes[a + k] !== bytes[b + k]) return false;
  return true;
}

const UNIT_TO_MS: Record<number, number> = {
  [TimeUnit.SECOND]: 1000,
  [TimeUnit.MILLISECOND]: 1,
  [TimeUnit.MICROSECOND]: 1e-3,
  [TimeUnit.NANOSECOND]: 1e-6,
};

function timestamps(data: Data): Float64Array {
  if (data.type.typeId !== Type.Timestamp) {
    throw new InvalidInputError(`Column timestamp is ${typeName(data.type)}; expected ${ARROW_COLUMNS.timestamp}.`);
  }
  const scale = UNIT_TO_MS[(data.type as unknown as { unit: number }).unit];
  const raw = data.values as BigInt64Array;
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    if (nullAt(data, i)) throw new InvalidInputError(`Row ${i}: timestamp is null; every prediction needs one.`, { row: i });
    out[i] = Number(raw[data.offset + i]) * scale;
  }
  return out;
}

const NUMERIC = new Set([Type.Float, Type.Int]);

function latencies(data: Data): PredictionColumns['latencyMs'] {
  const bits = (data.type as unknown as { bitWidth?: number }).bitWidth;
  if (!NUMERIC.has(data.type.typeId) || (data.type.typeId === Type.Int && (bits ?? 64) > 32)) {
    throw new InvalidInputError(`Column latency_ms is ${typeName(data.type)}; expected ${ARROW_COLUMNS.latency_ms}.`);
  }
  const raw = data.values as Float32Array | Float64Array | Int32Array;
  const values = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) values[i] = raw[data.offset + i];
  return { values, validity: data.nullCount > 0 ? (data.nullBitmap as Uint8Array) : null, base: data.offset };
}

/** Checks a record batch against the documented schema and returns its columns. */
export function columnsOfRecordBatch(batch: RecordBatch): PredictionColumns {
  const names = batch.schema.fields.map((f) => f.name);
  const unknown = names.filter((n) => !(n in ARROW_COLUMNS));
  if (unknown.length) throw new InvalidInputError(`Unknown column(s) ${unknown.join(', ')}. ${schemaHint()}`);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new InvalidInputError(`Column ${dup} appears twice.`);
  const required = (name: 'prediction_id' | 'deployment' | 'timestamp'): Data => {
    const d = onlyChunk(batch, name);
    if (!d) throw new InvalidInputError(`Column ${name} is missing. ${schemaHint()}`);
    return d;
  };
  const optional = (name: ColumnName) => onlyChunk(batch, name);
  const textOrNull = (name: ColumnName) => {
    const d = optional(name);
    return d ? text(name, d) : null;
  };
  const modelVersion = optional('model_version');
  const latency = optional('latency_ms');
  const id = text('prediction_id', required('prediction_id'));
  if (id.validity) {
    const data = required('prediction_id');
    for (let i = 0; i < batch.numRows; i++) {
      if (nullAt(data, i)) throw new InvalidInputError(`Row ${i}: prediction_id is null; every prediction needs an id.`, { row: i });
    }
  }
  const deploymentData = required('deployment');
  const deployment = coded('deployment', deploymentData);
  const missing = deployment.codes.indexOf(-1);
  if (missing >= 0) throw new InvalidInputError(`Row ${missing}: deployment is null; every prediction names its deployment.`, { row: missing });
  return {
    length: batch.numRows,
    id,
    deployment,
    modelVersion: modelVersion ? coded('model_version', modelVersion) : { codes: new Int32Array(batch.numRows).fill(-1), values: [] },
    timestampMs: timestamps(required('timestamp')),
    input: textOrNull('input'),
    output: textOrNull('output'),
    inputSha256: textOrNull('input_sha256'),
    outputSha256: textOrNull('output_sha256'),
    latencyMs: latency ? latencies(latency) : null,
    metadata: textOrNull('metadata'),
  };
}
