/**
 * Prediction records for the benchmark, built column by column from typed arrays (apache-arrow's makeData:
 * no per-row JavaScript objects): UUIDv7 (time-ordered) or UUIDv4 (random) ids, one deployment
 * (dictionary-encoded), millisecond timestamps, JSON inputs of 4 features and outputs drawn from pools,
 * a latency. Deterministic for a seed.
 */
import { Data, Dictionary, Float32, Int32, makeData, makeVector, RecordBatch, Schema, Field, TimestampMillisecond, Utf8, Struct, tableToIPC, Table } from 'apache-arrow';

import { rng } from '../test/support/random';

const HEX = new TextEncoder().encode('0123456789abcdef');

function utf8Data(pool: Uint8Array[], pick: (i: number) => number, n: number): Data<Utf8> {
  const offsets = new Int32Array(n + 1);
  let total = 0;
  const chosen = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    chosen[i] = pick(i);
    total += pool[chosen[i]].length;
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  for (let i = 0; i < n; i++) bytes.set(pool[chosen[i]], offsets[i]);
  return makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data: bytes });
}

export interface BatchOptions {
  size: number;
  /** Timestamp of the first record; records are `stepMs` apart. */
  startMs: number;
  stepMs: number;
  ids: 'v7' | 'v4';
  seed: number;
  deployment: string;
}

export interface GeneratedBatch {
  ipc: Uint8Array;
  /** A few ids of the batch, for lookups. */
  sampleIds: string[];
}

const encoder = new TextEncoder();
const random0 = rng(7);
const INPUTS = Array.from({ length: 1000 }, () =>
  encoder.encode(JSON.stringify(Array.from({ length: 4 }, () => Math.round(random0() * 1e4) / 100))),
);
const OUTPUTS = Array.from({ length: 1000 }, () => encoder.encode(JSON.stringify([[Math.round(random0() * 1e4) / 1e4]])));

export function generateBatch(o: BatchOptions): GeneratedBatch {
  const random = rng(o.seed);
  const n = o.size;
  // ids: 36 ASCII bytes each
  const idBytes = new Uint8Array(n * 36);
  const idOffsets = new Int32Array(n + 1);
  const raw = new Uint8Array(16);
  const ts = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const t = Math.floor(o.startMs + i * o.stepMs);
    ts[i] = BigInt(t);
    for (let k = 0; k < 16; k++) raw[k] = (random() * 256) | 0;
    if (o.ids === 'v7') {
      const hi = Math.floor(t / 65536);
      raw[0] = (hi >>> 24) & 255;
      raw[1] = (hi >>> 16) & 255;
      raw[2] = (hi >>> 8) & 255;
      raw[3] = hi & 255;
      raw[4] = (t >>> 8) & 255;
      raw[5] = t & 255;
      raw[6] = 0x70 | (raw[6] & 0x0f);
    } else raw[6] = 0x40 | (raw[6] & 0x0f);
    raw[8] = 0x80 | (raw[8] & 0x3f);
    let p = i * 36;
    for (let k = 0; k < 16; k++) {
      if (k === 4 || k === 6 || k === 8 || k === 10) idBytes[p++] = 45;
      idBytes[p++] = HEX[raw[k] >> 4];
      idBytes[p++] = HEX[raw[k] & 15];
    }
    idOffsets[i + 1] = (i + 1) * 36;
  }
  const idData = makeData({ type: new Utf8(), length: n, valueOffsets: idOffsets, data: idBytes });
  const dictionary = makeVector(makeData({ type: new Utf8(), length: 1, valueOffsets: Int32Array.from([0, encoder.encode(o.deployment).length]), data: encoder.encode(o.deployment) }));
  const deploymentType = new Dictionary(new Utf8(), new Int32(), 0);
  const deploymentData = makeData({ type: deploymentType, length: n, data: new Int32Array(n), dictionary });
  const tsData = makeData({ type: new TimestampMillisecond(), length: n, data: ts });
  const inputData = utf8Data(INPUTS, () => (random() * INPUTS.length) | 0, n);
  const outputData = utf8Data(OUTPUTS, () => (random() * OUTPUTS.length) | 0, n);
  const latency = new Float32Array(n);
  for (let i = 0; i < n; i++) latency[i] = 2 + random() * 10;
  const latencyData = makeData({ type: new Float32(), length: n, data: latency });
  const fields = [
    new Field('prediction_id', new Utf8(), false),
    new Field('deployment', deploymentType, false),
    new Field('timestamp', new TimestampMillisecond(), false),
    new Field('input', new Utf8(), true),
    new Field('output', new Utf8(), true),
    new Field('latency_ms', new Float32(), true),
  ];
  const children = [idData, deploymentData, tsData, inputData, outputData, latencyData];
  const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0, children });
  const batch = new RecordBatch(new Schema(fields), struct);
  const decoder = new TextDecoder();
  const sampleIds = Array.from({ length: 50 }, () => {
    const i = (random() * n) | 0;
    return decoder.decode(idBytes.subarray(i * 36, i * 36 + 36));
  });
  return { ipc: tableToIPC(new Table([batch]), 'stream'), sampleIds };
}
