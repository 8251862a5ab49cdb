/**
 * HTTP ingestion. `POST /api/v1/lineage` takes one OpenLineage RunEvent exactly as Marquez does (201 on
 * success), so an unmodified OpenLineage HTTP transport can point at Pedigree. `POST /api/v1/events` takes
 * one event or a JSON array of up to PEDIGREE_INGEST_MAX_EVENTS events — Pedigree events and OpenLineage
 * RunEvents alike — and answers per event. Both answer 2xx only after the events are committed; an
 * unavailable database, or a full queue, is a 503 with Retry-After, and nothing of the request was applied.
 * Concurrent requests are applied together (group commit, group-commit.ts).
 */
import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { Gauge } from 'prom-client';
import type { Response } from 'express';
import { Authorize } from '../../platform/auth/auth.decorators';
import { CONFIG, PedigreeConfig } from '../../platform/config/config';
import { isTransient } from '../../platform/database/transient';
import { InvalidInputError, UnavailableError } from '../../platform/errors/errors';
import { MetricsService } from '../../platform/metrics/metrics';
import { IngestionService } from '../ingestion.service';
import { IngestSummary, RawEvent } from '../ingestion.types';
import { GroupCommit } from './group-commit';

const JSON_HINT = 'Send the event as a JSON body with Content-Type: application/json.';

@Controller('api/v1')
export class IngestionController {
  private readonly group: GroupCommit;

  constructor(
    ingestion: IngestionService,
    @Inject(CONFIG) private readonly config: PedigreeConfig,
    metrics: MetricsService,
  ) {
    const queued = new Gauge({
      name: 'pedigree_ingest_http_queued_events',
      help: 'Events of HTTP requests waiting for the next group-commit batch.',
      registers: [metrics.registry],
    });
    this.group = new GroupCommit((events) => ingestion.ingest(events), config.ingest.group, (n) => queued.set(n));
  }

  @Post('lineage')
  @HttpCode(201)
  @Authorize('write', 'Ingestion')
  async lineage(@Body() body: unknown): Promise<{ status: string; key?: string }> {
    if (body === undefined || body === null || typeof body !== 'object') throw new InvalidInputError(`Expected one OpenLineage RunEvent. ${JSON_HINT}`);
    if (Array.isArray(body)) throw new InvalidInputError('Expected one OpenLineage RunEvent; send batches to /api/v1/events.');
    const [outcome] = (await this.run([{ body, origin: { source: 'http' } }])).outcomes;
    if (outcome.error) {
      throw new InvalidInputError(`${outcome.error}${outcome.deadLetterId ? ` (kept as dead letter ${outcome.deadLetterId})` : ''}`, {
        deadLetterId: outcome.deadLetterId,
      });
    }
    return { status: outcome.status, key: outcome.key };
  }

  @Post('events')
  @HttpCode(200)
  @Authorize('write', 'Ingestion')
  async events(@Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<Omit<IngestSummary, 'outcomes'> & { errors: unknown[] }> {
    if (body === undefined || body === null || typeof body !== 'object') throw new InvalidInputError(`Expected an event or an array of events. ${JSON_HINT}`);
    const events = Array.isArray(body) ? body : [body];
    const max = this.config.ingest.maxEventsPerRequest;
    if (events.length === 0) throw new InvalidInputError('The array holds no events.');
    if (events.length > max) throw new InvalidInputError(`${events.length} events in one request; the limit is ${max} (PEDIGREE_INGEST_MAX_EVENTS).`);
    const summary = await this.run(events.map((e) => ({ body: e, origin: { source: 'http' } })));
    // Every event is accounted for; when none could be applied the request as a whole is refused.
    if (summary.applied + summary.duplicates === 0) res.status(400);
    const { outcomes, ...counts } = summary;
    return {
      ...counts,
      errors: outcomes.filter((o) => o.error).map((o) => ({ index: o.index, error: o.error, deadLetterId: o.deadLetterId })),
    };
  }

  private async run(events: RawEvent[]): Promise<IngestSummary> {
    try {
      return await this.group.submit(events);
    } catch (err) {
      if (isTransient(err)) throw new UnavailableError('The database is unavailable; nothing was applied. Retry later.');
      throw err;
    }
  }
}
