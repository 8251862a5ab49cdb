/**
 * `POST /api/v1/predictions`: an Arrow IPC stream (`application/vnd.apache.arrow.stream`, any number of
 * record batches) or JSON lines (`application/x-ndjson`). The body is streamed: batches are decoded,
 * attributed and COPYed as they arrive, in one transaction — 200 means every record is stored (or was
 * already, as a duplicate); any error means none of the request was.
 */
import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { RecordBatchReader } from 'apache-arrow';
import type { Logger } from 'pino';
import { Authorize } from '../../platform/auth/auth.decorators';
import { ROOT_LOGGER } from '../../platform/logging/logger';
import { CONFIG, PedigreeConfig } from '../../platform/config/config';
import { isTransient } from '../../platform/database/transient';
import { InvalidInputError, PedigreeError, UnavailableError } from '../../platform/errors/errors';
import { columnsOfRecordBatch } from '../ingest/arrow-decoder';
import { PredictionColumns } from '../ingest/columns';
import { columnsOfRecords, parseJsonLines } from '../ingest/jsonl-decoder';
import { PredictionIngestResult, PredictionIngestService } from '../ingest/prediction-ingest.service';
import { limitedBody, lineGroups } from './body-stream';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';
const JSON_LINES = ['application/x-ndjson', 'application/jsonl', 'application/json-lines', 'application/jsonlines'];
/** JSON lines are stored in batches of this many records. */
const JSON_LINES_BATCH = 10_000;

export async function* arrowBatches(body: AsyncIterable<Uint8Array>): AsyncIterable<PredictionColumns> {
  let reader: Awaited<ReturnType<typeof RecordBatchReader.from>>;
  try {
    reader = await RecordBatchReader.from(body);
    await reader.open();
  } catch (err) {
    if (err instanceof PedigreeError) throw err;
    throw new InvalidInputError(`The body is not an Arrow IPC stream (${(err as Error).message}).`);
  }
  if (reader.isFile()) throw new InvalidInputError('Send the Arrow IPC stream format, not the file format.');
  let batches = 0;
  const iterator = reader[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Parameters<typeof columnsOfRecordBatch>[0]>;
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

export async function* jsonLineBatches(body: AsyncIterable<Uint8Array>): AsyncIterable<PredictionColumns> {
  for await (const group of lineGroups(body, JSON_LINES_BATCH)) yield columnsOfRecords(parseJsonLines(group.text, group.first));
}

@Controller('api/v1')
export class PredictionsController {
  constructor(
    private readonly ingest: PredictionIngestService,
    @Inject(CONFIG) private readonly config: PedigreeConfig,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
  ) {}

  @Post('predictions')
  @HttpCode(200)
  @Authorize('write', 'Catalog')
  async predictions(@Req() req: Request): Promise<PredictionIngestResult> {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const limit = this.config.predictions.maxBodyBytes;
    let batches: AsyncIterable<PredictionColumns>;
    if (type === ARROW_STREAM) batches = arrowBatches(limitedBody(req, limit, 'Arrow'));
    else if (JSON_LINES.includes(type)) batches = jsonLineBatches(limitedBody(req, limit, 'JSON lines'));
    else {
      throw new InvalidInputError(
        `Content-Type ${type || '(none)'} is not accepted here: send ${ARROW_STREAM} (an Arrow IPC stream) or application/x-ndjson (JSON lines).`,
      );
    }
    try {
      return await this.ingest.ingest(batches, 'http');
    } catch (err) {
      this.log.warn({ err: (err as Error).message, contentType: type }, 'prediction request refused; nothing of it was stored');
      if (isTransient(err)) throw new UnavailableError('The database is unavailable; nothing was stored. Retry later.');
      throw err;
    }
  }
}
