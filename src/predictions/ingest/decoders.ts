/**
 * Prediction record sources → PredictionColumns batches, for every transport: an Arrow IPC stream (a streamed
 * HTTP body or a whole Kafka message, recognised by its continuation marker 0xFFFFFFFF) or JSON lines (one
 * record per line; a single JSON object is one line). Decoding is lazy: batches are produced as the bytes
 * arrive, and a stream that breaks off is a clear error naming how far it got.
 */
import { RecordBatch, RecordBatchReader } from 'apache-arrow';
import { InvalidInputError, PedigreeError } from '../../platform/errors/errors';
import { columnsOfRecordBatch } from './arrow-decoder';
import { PredictionColumns } from './columns';
import { columnsOfRecords, parseJsonLines } from './jsonl-decoder';

/** JSON lines are stored in batches of this many records. */
const JSON_LINES_BATCH = 10_000;

export function isArrowStream(value: Uint8Array): boolean {
  return value.length >= 8 && value[0] === 0xff && value[1] === 0xff && value[2] === 0xff && value[3] === 0xff;
}

export async function* arrowBatches(source: AsyncIterable<Uint8Array> | Uint8Array): AsyncIterable<PredictionColumns> {
  const input = source instanceof Uint8Array ? oneChunk(source) : source;
  let reader: Awaited<ReturnType<typeof RecordBatchReader.from>>;
  try {
    reader = await RecordBatchReader.from(input);
    await reader.open();
  } catch (err) {
    if (err instanceof PedigreeError) throw err;
    throw new InvalidInputError(`The body is not an Arrow IPC stream (${(err as Error).message}).`);
  }
  if (reader.isFile()) throw new InvalidInputError('Send the Arrow IPC stream format, not the file format.');
  let batches = 0;
  const iterator = reader[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<RecordBatch>;
    try {
      next = await iterator.next();
    } catch (err) {
      if (err instanceof PedigreeError) throw err;
      throw new InvalidInputError(`The Arrow IPC stream is truncated or malformed after ${batches} record batch(es) (${(err as Error).message}); nothing was stored.`);
    }
    if (next.done) break;
    batches++;
    yield columnsOfRecordBatch(next.value);
  }
  if (batches === 0 && !reader.schema) throw new InvalidInputError('The body holds no Arrow IPC stream.');
}

async function* oneChunk(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** Splits a byte stream into groups of up to `size` lines (UTF-8) with the number of their first line. */
async function* lineGroups(body: AsyncIterable<Uint8Array>, size: number): AsyncIterable<{ first: number; text: string }> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let rest = '';
  let lines: string[] = [];
  let first = 1;
  let next = 1;
  for await (const chunk of body) {
    const parts = (rest + decoder.decode(chunk, { stream: true })).split('\n');
    rest = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      next++;
      if (lines.length === size) {
        yield { first, text: lines.join('\n') };
        lines = [];
        first = next;
      }
    }
  }
  rest += decoder.decode();
  if (rest) lines.push(rest);
  if (lines.length) yield { first, text: lines.join('\n') };
}

export async function* jsonLineBatches(body: AsyncIterable<Uint8Array>): AsyncIterable<PredictionColumns> {
  let records = 0;
  for await (const group of lineGroups(body, JSON_LINES_BATCH)) {
    const batch = columnsOfRecords(parseJsonLines(group.text, group.first));
    records += batch.length;
    yield batch;
  }
  if (records === 0) throw new InvalidInputError('The body holds no prediction records.');
}

/** One Kafka message: an Arrow IPC stream or JSON lines. */
export function batchesOfMessage(value: Uint8Array): AsyncIterable<PredictionColumns> {
  return isArrowStream(value) ? arrowBatches(value) : jsonLineBatches(oneChunk(value));
}

/** A message as dead-letter text: JSON lines as they are, Arrow as base64 behind a marker. */
export function messagePayloadText(value: Uint8Array): string {
  const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return isArrowStream(value) ? `arrow-ipc-base64:${bytes.toString('base64')}` : bytes.toString('utf8');
}
