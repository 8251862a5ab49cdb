/**
 * PostgreSQL binary COPY encoding of attributed prediction records, column order PREDICTION_COPY_COLUMNS.
 * Text comes straight from the batch's byte buffers; payloads of hash-only deployments are replaced by their
 * SHA-256 here. Also counts rows per (deployment, model version, minute) for the prediction_count rollup.
 */
import { createHash } from 'node:crypto';
import { InvalidInputError } from '../../platform/errors/errors';
import { Attributed } from './attribution';
import { isValid, PredictionColumns, TextColumn } from './columns';
import { BufferPool } from './buffer-pool';
import { HEX, writeUid } from './prediction-uid';

export const PREDICTION_COPY_COLUMNS =
  'uid, id, day, ts, deployment_id, model_version_id, input, output, input_sha256, output_sha256, latency_ms, metadata';
const FIELDS = 12;

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Days and microseconds between the Unix epoch and PostgreSQL's (2000-01-01). */
const PG_EPOCH_DAYS = 10_957;
const PG_EPOCH_MS = PG_EPOCH_DAYS * 86_400_000;
const MAX_ID_BYTES = 200;

export interface RollupRow {
  deploymentId: number;
  modelVersionId: number;
  minuteMs: number;
  n: number;
}

export interface EncodedBatch {
  copy: Buffer;
  rows: number;
  rollup: RollupRow[];
  /** Hands the buffer back for reuse; call once the COPY that sent it has finished (or will never run). */
  release(): void;
}

/** COPY streams of batches in flight, reused (see BufferPool). */
const buffers = new BufferPool(4, 16 << 20);

function spanBytes(col: TextColumn | null, n: number): number {
  return col ? col.offsets[col.base + n] - col.offsets[col.base] : 0;
}

export function encodeCopy(cols: PredictionColumns, at: Attributed): EncodedBatch {
  const n = cols.length;
  const size =
    SIGNATURE.length + 8 + 2 + n * (2 + FIELDS * 4 + 16 + 4 + 8 + 8 + 8 + 32 + 32 + 8) +
    spanBytes(cols.id, n) + spanBytes(cols.input, n) + spanBytes(cols.output, n) + spanBytes(cols.metadata, n);
  const buf = buffers.take(size);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = SIGNATURE.copy(buf, 0);
  view.setInt32(pos, 0);
  view.setInt32(pos + 4, 0);
  pos += 8;

  const int64 = (v: number) => {
    const hi = Math.floor(v / 4294967296);
    view.setInt32(pos, 8);
    view.setInt32(pos + 4, hi);
    view.setUint32(pos + 8, v - hi * 4294967296);
    pos += 12;
  };
  const nul = () => {
    view.setInt32(pos, -1);
    pos += 4;
  };
  const bytes = (col: TextColumn, i: number) => {
    const start = col.offsets[col.base + i];
    const end = col.offsets[col.base + i + 1];
    view.setInt32(pos, end - start);
    pos += 4;
    buf.set(col.bytes.subarray(start, end), pos);
    pos += end - start;
  };
  const text = (col: TextColumn | null, i: number) => (col && isValid(col.validity, col.base, i) ? bytes(col, i) : nul());
  const sha = (payload: TextColumn | null, given: TextColumn | null, i: number, hashPayload: boolean, field: string) => {
    if (hashPayload && payload && isValid(payload.validity, payload.base, i)) {
      const digest = createHash('sha256')
        .update(payload.bytes.subarray(payload.offsets[payload.base + i], payload.offsets[payload.base + i + 1]))
        .digest();
      view.setInt32(pos, 32);
      digest.copy(buf, pos + 4);
      pos += 36;
      return;
    }
    if (!given || !isValid(given.validity, given.base, i)) return nul();
    const start = given.offsets[given.base + i];
    if (given.offsets[given.base + i + 1] - start !== 64) throw badHash(field, i);
    view.setInt32(pos, 32);
    for (let k = 0; k < 32; k++) {
      const hi = HEX[given.bytes[start + 2 * k]] ?? -1;
      const lo = HEX[given.bytes[start + 2 * k + 1]] ?? -1;
      if (hi < 0 || lo < 0) throw badHash(field, i);
      buf[pos + 4 + k] = (hi << 4) | lo;
    }
    pos += 36;
  };

  const counts = new Map<number, RollupRow>();
  const pairs = new Map<string, number>();
  let lastDeployment = -1;
  let lastVersion = -1;
  let pair = 0;
  for (let i = 0; i < n; i++) {
    const idLength = cols.id.offsets[cols.id.base + i + 1] - cols.id.offsets[cols.id.base + i];
    if (idLength === 0 || idLength > MAX_ID_BYTES) {
      throw new InvalidInputError(`Row ${i}: prediction_id must be 1 to ${MAX_ID_BYTES} bytes (got ${idLength}).`, { row: i });
    }
    const store = at.storePayloads[cols.deployment.codes[i]];
    const t = cols.timestampMs[i];
    view.setInt16(pos, FIELDS);
    pos += 2;
    // uid (16 bytes), then id: NULL when the id is in UUID form (the uid says it all)
    const idStart = cols.id.offsets[cols.id.base + i];
    view.setInt32(pos, 16);
    const isUuid = writeUid(cols.id.bytes, idStart, idStart + idLength, buf, pos + 4);
    pos += 20;
    if (isUuid) nul();
    else bytes(cols.id, i);
    view.setInt32(pos, 4);
    view.setInt32(pos + 4, at.day[i] - PG_EPOCH_DAYS);
    pos += 8;
    int64(Math.round((t - PG_EPOCH_MS) * 1000));
    int64(at.deploymentId[i]);
    int64(at.modelVersionId[i]);
    if (store) {
      text(cols.input, i);
      text(cols.output, i);
    } else {
      nul();
      nul();
    }
    sha(cols.input, cols.inputSha256, i, !store, 'input_sha256');
    sha(cols.output, cols.outputSha256, i, !store, 'output_sha256');
    const latency = cols.latencyMs;
    if (latency && isValid(latency.validity, latency.base, i)) {
      view.setInt32(pos, 8);
      view.setFloat64(pos + 4, latency.values[i]);
      pos += 12;
    } else nul();
    text(cols.metadata, i);

    // Rollup key: minute × 4096 + index of the (deployment, model version) pair within the batch.
    if (at.deploymentId[i] !== lastDeployment || at.modelVersionId[i] !== lastVersion) {
      lastDeployment = at.deploymentId[i];
      lastVersion = at.modelVersionId[i];
      const pairKey = `${lastDeployment}:${lastVersion}`;
      let found = pairs.get(pairKey);
      if (found === undefined) {
        if (pairs.size === 4096) throw new InvalidInputError('A batch may mix at most 4096 (deployment, model version) pairs.');
        pairs.set(pairKey, (found = pairs.size));
      }
      pair = found;
    }
    const minute = Math.floor(t / 60_000);
    const key = minute * 4096 + pair;
    const row = counts.get(key);
    if (row) row.n += 1;
    else counts.set(key, { deploymentId: at.deploymentId[i], modelVersionId: at.modelVersionId[i], minuteMs: minute * 60_000, n: 1 });
  }
  view.setInt16(pos, -1);
  pos += 2;
  return { copy: buf.subarray(0, pos), rows: n, rollup: [...counts.values()], release: () => buffers.give(buf) };
}

function badHash(field: string, row: number): InvalidInputError {
  return new InvalidInputError(`Row ${row}: ${field} must be 64 hexadecimal characters.`, { row });
}
