/**
 * One Kafka message of prediction records: an Arrow IPC stream (recognised by its continuation marker
 * 0xFFFFFFFF) or JSON lines (one record per line; a single JSON object is one line).
 */
import { RecordBatchReader } from 'apache-arrow';
import { InvalidInputError, PedigreeError } from '../../platform/errors/errors';
import { columnsOfRecordBatch } from './arrow-decoder';
import { PredictionColumns } from './columns';
import { columnsOfRecords, parseJsonLines } from './jsonl-decoder';

export function isArrowStream(value: Uint8Array): boolean {
  return value.length >= 8 && value[0] === 0xff && value[1] === 0xff && value[2] === 0xff && value[3] === 0xff;
}

export function* batchesOfMessage(value: Uint8Array): Iterable<PredictionColumns> {
  if (!isArrowStream(value)) {
    const records = parseJsonLines(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'));
    if (!records.length) throw new InvalidInputError('The message holds no prediction records.');
    yield columnsOfRecords(records);
    return;
  }
  let batches = 0;
  try {
    for (const batch of RecordBatchReader.from(value)) {
      batches++;
      yield columnsOfRecordBatch(batch);
    }
  } catch (err) {
    if (err instanceof PedigreeError) throw err;
    throw new InvalidInputError(`The Arrow IPC stream is truncated or malformed after ${batches} record batch(es) (${(err as Error).message}).`);
  }
}
