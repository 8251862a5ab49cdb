/**
 * JSON lines → PredictionColumns, for small producers (and JSON Kafka messages). Every line is validated
 * against the prediction-record schema; the first bad line is reported with its number.
 */
import { InvalidInputError } from '../../platform/errors/errors';
import { codedColumn, PredictionColumns, textColumn } from './columns';
import { recordError } from './record.schema';

interface JsonRecord {
  predictionId: string;
  deployment: string;
  modelVersion?: string;
  timestamp: string | number;
  input?: unknown;
  output?: unknown;
  inputSha256?: string;
  outputSha256?: string;
  latencyMs?: number;
  metadata?: Record<string, unknown>;
}

/** Parses records from JSON-lines text; `firstLine` numbers lines across chunks of one request. */
export function parseJsonLines(text: string, firstLine = 1): JsonRecord[] {
  const records: JsonRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, k) => {
    const line = raw.trim();
    if (!line) return;
    const n = firstLine + k;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new InvalidInputError(`Line ${n} is not valid JSON (${(err as Error).message}).`, { line: n });
    }
    const error = recordError(value);
    if (error) throw new InvalidInputError(`Line ${n}: ${error}.`, { line: n });
    records.push(value as JsonRecord);
  });
  return records;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

export function columnsOfRecords(records: JsonRecord[]): PredictionColumns {
  const timestampMs = new Float64Array(records.length);
  records.forEach((r, i) => {
    const t = typeof r.timestamp === 'number' ? r.timestamp : Date.parse(r.timestamp);
    if (!Number.isFinite(t)) throw new InvalidInputError(`Record ${i}: timestamp ${JSON.stringify(r.timestamp)} is not a valid time.`, { row: i });
    timestampMs[i] = t;
  });
  const latency = records.some((r) => r.latencyMs !== undefined);
  let latencyMs: PredictionColumns['latencyMs'] = null;
  if (latency) {
    const validity = new Uint8Array((records.length + 7) >> 3);
    const values = new Float64Array(records.length);
    records.forEach((r, i) => {
      if (r.latencyMs === undefined) return;
      values[i] = r.latencyMs;
      validity[i >> 3] |= 1 << (i & 7);
    });
    latencyMs = { values, validity, base: 0 };
  }
  const optionalText = (pick: (r: JsonRecord) => string | null) => {
    const values = records.map(pick);
    return values.every((v) => v === null) ? null : textColumn(values);
  };
  return {
    length: records.length,
    id: textColumn(records.map((r) => r.predictionId)),
    deployment: codedColumn(records.map((r) => r.deployment)),
    modelVersion: codedColumn(records.map((r) => r.modelVersion ?? null)),
    timestampMs,
    input: optionalText((r) => json(r.input)),
    output: optionalText((r) => json(r.output)),
    inputSha256: optionalText((r) => r.inputSha256 ?? null),
    outputSha256: optionalText((r) => r.outputSha256 ?? null),
    latencyMs,
    metadata: optionalText((r) => json(r.metadata)),
  };
}
