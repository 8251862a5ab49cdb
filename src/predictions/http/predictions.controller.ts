/**
 * `POST /api/v1/predictions`: an Arrow IPC stream (`application/vnd.apache.arrow.stream`, any number of
 * record batches) or JSON lines (`application/x-ndjson`). The body is streamed — batches are decoded,
 * attributed and COPYed as they arrive — except an Arrow body of at most 16 MiB with a Content-Length, which
 * is read whole and decoded in place (see `wholeBody`). Either way one transaction: 200 means every record
 * is stored (or was already, as a duplicate); any error means none of the request was.
 */
import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { Authorize } from '../../platform/auth/auth.decorators';
import { ROOT_LOGGER } from '../../platform/logging/logger';
import { CONFIG, PedigreeConfig } from '../../platform/config/config';
import { isTransient } from '../../platform/database/transient';
import { InvalidInputError, UnavailableError } from '../../platform/errors/errors';
import { PredictionColumns } from '../ingest/columns';
import { arrowBatches, jsonLineBatches } from '../ingest/decoders';
import { PredictionIngestResult, PredictionIngestService } from '../ingest/prediction-ingest.service';
import { limitedBody, wholeBody } from './body-stream';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';
const JSON_LINES = ['application/x-ndjson', 'application/jsonl', 'application/json-lines', 'application/jsonlines'];

@Controller('api/v1')
export class PredictionsController {
  constructor(
    private readonly ingest: PredictionIngestService,
    @Inject(CONFIG) private readonly config: PedigreeConfig,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
  ) {}

  @Post('predictions')
  @HttpCode(200)
  @Authorize('write', 'Ingestion')
  async predictions(@Req() req: Request): Promise<PredictionIngestResult> {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const limit = this.config.predictions.maxBodyBytes;
    let batches: AsyncIterable<PredictionColumns>;
    let whole: Awaited<ReturnType<typeof wholeBody>>;
    if (type === ARROW_STREAM) {
      whole = await wholeBody(req, limit);
      batches = arrowBatches(whole?.bytes ?? limitedBody(req, limit, 'Arrow'));
    } else if (JSON_LINES.includes(type)) batches = jsonLineBatches(limitedBody(req, limit, 'JSON lines'));
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
    } finally {
      whole?.release(); // the decoded batches viewed its bytes; every one has been COPYed or dropped by now
    }
  }
}
