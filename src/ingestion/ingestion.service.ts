/**
 * The one ingestion pipeline behind every transport: decode → validate → normalize (decode.ts), then in one
 * transaction: record receipts (idempotency), apply OpenLineage events set-based and Pedigree events one by
 * one, dead-letter what cannot be applied. An event that fails is isolated in a savepoint, so the rest of its
 * batch still lands. Errors the database may recover from (it is down, a deadlock) propagate unchanged:
 * nothing of the batch committed, and the transport retries it.
 */
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Logger } from 'pino';
import { RunBatchService } from '../catalog/batch/run-batch.service';
import { Db, Sql } from '../platform/database/db';
import { isTransient } from '../platform/database/transient';
import { ROOT_LOGGER } from '../platform/logging/logger';
import { MetricsService } from '../platform/metrics/metrics';
import { DeadLetterRepository, NewDeadLetter, payloadText } from './dead-letters.repository';
import { decodeEvent, DecodedEvent, mentionedUrns } from './decode';
import { EventOutcome, IngestSummary, Origin, RawEvent, summarize } from './ingestion.types';
import { PedigreeEventApplier } from './pedigree/pedigree-applier';

export interface IngestOptions {
  /** Record failures as dead letters (default); off when replaying one. */
  deadLetter?: boolean;
}

type Pending = { index: number; decoded: DecodedEvent; raw: RawEvent };

const label = (o: Origin) => (o.source === 'kafka' ? o.topic : 'http');

@Injectable()
export class IngestionService {
  readonly deadLetters = new DeadLetterRepository();
  private readonly events: Counter<'source' | 'outcome'>;
  private readonly batchSeconds: Histogram<'source'>;
  private readonly inFlight: Gauge;

  constructor(
    private readonly db: Db,
    private readonly runBatch: RunBatchService,
    private readonly pedigree: PedigreeEventApplier,
    metrics: MetricsService,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.events = new Counter({
      name: 'pedigree_ingest_events_total',
      help: 'Events by source (Kafka topic or http) and outcome: consumed, applied, duplicate, dead_lettered.',
      labelNames: ['source', 'outcome'],
      registers: [metrics.registry],
    });
    this.inFlight = new Gauge({
      name: 'pedigree_ingest_events_in_flight',
      help: 'Events being decoded or applied right now (bounded by batch size × concurrent batches).',
      registers: [metrics.registry],
    });
    this.batchSeconds = new Histogram({
      name: 'pedigree_ingest_batch_seconds',
      help: 'Time to apply one batch of events, by source.',
      labelNames: ['source'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [metrics.registry],
    });
  }

  async ingest(batch: readonly RawEvent[], options: IngestOptions = {}): Promise<IngestSummary> {
    this.inFlight.inc(batch.length);
    try {
      return await this.ingestBatch(batch, options);
    } finally {
      this.inFlight.dec(batch.length);
    }
  }

  private async ingestBatch(batch: readonly RawEvent[], options: IngestOptions): Promise<IngestSummary> {
    const started = process.hrtime.bigint();
    const outcomes: EventOutcome[] = new Array(batch.length);
    const failed: { index: number; error: string; key?: string }[] = [];
    const pending: Pending[] = [];
    const seen = new Set<string>();
    batch.forEach((raw, index) => {
      try {
        const decoded = decodeEvent(raw.body);
        if (decoded.format === 'openlineage') this.runBatch.check(decoded.run);
        if (seen.has(decoded.key)) {
          outcomes[index] = { index, status: 'duplicate', key: decoded.key };
          return;
        }
        seen.add(decoded.key);
        pending.push({ index, decoded, raw });
      } catch (err) {
        failed.push({ index, error: (err as Error).message });
      }
    });
    const decodeFailures = failed.length;
    await this.withConflictRetry(() => this.db.transaction(async (tx) => {
      const fresh = await this.receipts(tx, pending);
      for (const p of pending) if (!fresh.has(p.decoded.key)) outcomes[p.index] = { index: p.index, status: 'duplicate', key: p.decoded.key };
      const toApply = pending.filter((p) => fresh.has(p.decoded.key));
      const errors = await this.apply(toApply);
      for (const p of toApply) {
        const error = errors.get(p.index);
        if (error === undefined) outcomes[p.index] = { index: p.index, status: 'applied', key: p.decoded.key };
        else failed.push({ index: p.index, error, key: p.decoded.key });
      }
      const failedKeys = failed.map((f) => f.key).filter((k): k is string => k !== undefined);
      // A failed event is not received: the same event, sent again after a fix, is applied.
      if (failedKeys.length) await tx.query(`DELETE FROM event_receipt WHERE event_key = ANY($1::text[])`, [failedKeys]);
      const letters: NewDeadLetter[] = failed.map((f) => ({
        origin: batch[f.index].origin, key: f.key, payload: payloadText(batch[f.index].body), error: f.error, urns: mentionedUrns(batch[f.index].body),
      }));
      const ids = options.deadLetter === false ? [] : await this.deadLetters.insert(tx, letters);
      failed.forEach((f, i) => {
        outcomes[f.index] = { index: f.index, status: ids[i] ? 'dead_lettered' : 'rejected', key: f.key, error: f.error, deadLetterId: ids[i] };
      });
    }), () => {
      // A retried transaction starts over: forget what the failed attempt decided.
      failed.splice(decodeFailures);
    });
    const summary = summarize(outcomes);
    this.record(batch, summary, started);
    return summary;
  }

  /** Runs `work`, again (up to 3 times) when it lost a deadlock or serialization conflict to a concurrent batch. */
  private async withConflictRetry(work: () => Promise<void>, reset: () => void): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (attempt >= 3 || (code !== '40001' && code !== '40P01')) throw err;
        reset();
        await new Promise((r) => setTimeout(r, 20 * attempt * Math.random()));
      }
    }
  }

  /** Inserts receipts; returns the keys not received before. */
  private async receipts(tx: Sql, pending: Pending[]): Promise<Set<string>> {
    if (pending.length === 0) return new Set();
    const rows = await tx.query<{ key: string }>(
      `INSERT INTO event_receipt (event_key, source) SELECT k, s FROM unnest($1::text[], $2::text[]) AS x(k, s) ORDER BY k
       ON CONFLICT (event_key) DO NOTHING RETURNING event_key AS "key"`,
      [pending.map((p) => p.decoded.key), pending.map((p) => p.raw.origin.source)],
    );
    return new Set(rows.map((r) => r.key));
  }

  /** Applies events; returns the error of each event that could not be applied, by batch index. */
  private async apply(events: Pending[]): Promise<Map<number, string>> {
    const errors = new Map<number, string>();
    const lineage = events.filter((e) => e.decoded.format === 'openlineage');
    const attempt = async (e: Pending, work: (tx: Sql) => Promise<unknown>) => {
      try {
        await this.db.transaction(work);
      } catch (err) {
        if (isTransient(err)) throw err;
        errors.set(e.index, (err as Error).message);
      }
    };
    if (lineage.length) {
      const runs = lineage.map((e) => (e.decoded as Extract<DecodedEvent, { format: 'openlineage' }>).run);
      try {
        await this.db.transaction((tx) => this.runBatch.apply(tx, runs));
      } catch (err) {
        if (isTransient(err)) throw err;
        this.logger.warn({ err: (err as Error).message, events: lineage.length }, 'batch apply failed; isolating events one by one');
        for (const [i, e] of lineage.entries()) await attempt(e, (tx) => this.runBatch.apply(tx, [runs[i]]));
      }
    }
    for (const e of events) {
      if (e.decoded.format === 'pedigree') {
        const event = e.decoded.event;
        await attempt(e, () => this.pedigree.apply(event));
      }
    }
    return errors;
  }

  private record(batch: readonly RawEvent[], summary: IngestSummary, started: bigint): void {
    if (batch.length === 0) return;
    const source = label(batch[0].origin);
    this.events.inc({ source, outcome: 'consumed' }, summary.received);
    if (summary.applied) this.events.inc({ source, outcome: 'applied' }, summary.applied);
    if (summary.duplicates) this.events.inc({ source, outcome: 'duplicate' }, summary.duplicates);
    if (summary.deadLettered) this.events.inc({ source, outcome: 'dead_lettered' }, summary.deadLettered);
    this.batchSeconds.observe({ source }, Number(process.hrtime.bigint() - started) / 1e9);
  }
}
