/**
 * The one prediction ingestion path for HTTP and Kafka: decoded batches (Arrow record batches or JSON
 * lines) → attribution (deployment, model version, storage window) → binary COPY, all in one transaction per
 * request or Kafka message: a request is stored whole or not at all. Encoding of the next batch overlaps
 * the COPY of the previous one; memory holds at most two batches.
 */
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import type { Logger } from 'pino';
import { DeploymentsService, ServingHistory } from '../../catalog/deployments/deployments.service';
import { ModelsService } from '../../catalog/models/models.service';
import { CONFIG, PedigreeConfig } from '../../platform/config/config';
import { Db } from '../../platform/database/db';
import { PedigreeError } from '../../platform/errors/errors';
import { ROOT_LOGGER } from '../../platform/logging/logger';
import { MetricsService } from '../../platform/metrics/metrics';
import { attribute } from './attribution';
import { PredictionColumns } from './columns';
import { encodeCopy } from './copy-encoder';
import { batchesOfMessage, messagePayloadText } from './decoders';
import { PredictionPartitions } from './partitions';
import { PredictionWriter, WriteResult } from './prediction-writer';

export interface PredictionIngestResult {
  batches: number;
  records: number;
  inserted: number;
  duplicates: number;
}

const MAINTENANCE_MS = 3_600_000;

@Injectable()
export class PredictionIngestService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly partitions: PredictionPartitions;
  private readonly writer: PredictionWriter;
  private readonly records: Counter<'source' | 'outcome'>;
  private readonly latency: Histogram<'source'>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly deployments: DeploymentsService,
    private readonly models: ModelsService,
    @Inject(CONFIG) config: PedigreeConfig,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    metrics: MetricsService,
  ) {
    this.partitions = new PredictionPartitions(db, config.predictions.retentionDays, config.predictions.partitionsAhead);
    this.writer = new PredictionWriter(db);
    this.records = new Counter({
      name: 'pedigree_predictions_total',
      help: 'Prediction records by source and outcome (inserted, duplicate, rejected).',
      labelNames: ['source', 'outcome'],
      registers: [metrics.registry],
    });
    this.latency = new Histogram({
      name: 'pedigree_prediction_request_duration_seconds',
      help: 'Time to store one prediction request or Kafka message, by source.',
      labelNames: ['source'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [metrics.registry],
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.partitions.maintain(this.log);
    this.timer = setInterval(() => {
      this.partitions.maintain(this.log).catch((err) => this.log.warn({ err: (err as Error).message }, 'prediction partition maintenance failed'));
    }, MAINTENANCE_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Stores every batch of one request (or Kafka message) in one transaction. */
  async ingest(batches: AsyncIterable<PredictionColumns> | Iterable<PredictionColumns>, source: string): Promise<PredictionIngestResult> {
    const stop = this.latency.startTimer({ source });
    const result = { batches: 0, records: 0, inserted: 0, duplicates: 0 };
    try {
      await this.db.transaction(async () => {
        const cache = { histories: new Map<string, ServingHistory>(), versions: new Map<string, string>() };
        let pending: Promise<WriteResult> | undefined;
        const settle = async () => {
          if (!pending) return;
          const r = await pending;
          pending = undefined;
          result.inserted += r.inserted;
          result.duplicates += r.duplicates;
        };
        for await (const cols of batches) {
          const index = result.batches++;
          result.records += cols.length;
          if (cols.length === 0) continue;
          const encoded = await inBatch(index, async () => {
            await this.resolveRefs(cols, cache);
            const attributed = attribute(cols, { histories: cache.histories, modelVersionIds: cache.versions, ...this.partitions.window() });
            await this.partitions.ensure(attributed.days);
            return encodeCopy(cols, attributed);
          });
          await settle();
          pending = inBatch(index, () => this.writer.write(encoded)).finally(encoded.release);
          pending.catch(() => undefined); // awaited by settle(); this only keeps it from being "unhandled"
        }
        await settle();
      });
    } catch (err) {
      this.records.inc({ source, outcome: 'rejected' }, result.records);
      throw err;
    } finally {
      stop();
    }
    this.records.inc({ source, outcome: 'inserted' }, result.inserted);
    this.records.inc({ source, outcome: 'duplicate' }, result.duplicates);
    return result;
  }

  /** Stores one Kafka message (an Arrow IPC stream or JSON lines) in one transaction — a savepoint when nested. */
  ingestMessage(value: Uint8Array, source: string): Promise<PredictionIngestResult> {
    return this.ingest(batchesOfMessage(value), source);
  }

  /** A message that could not be stored, as text for a dead letter. */
  messagePayloadText(value: Uint8Array): string {
    return messagePayloadText(value);
  }

  /** Looks up deployments and model versions a batch names that this request has not seen yet. */
  private async resolveRefs(cols: PredictionColumns, cache: { histories: Map<string, ServingHistory>; versions: Map<string, string> }) {
    const newDeployments = cols.deployment.values.filter((d) => !cache.histories.has(d));
    if (newDeployments.length) for (const [k, v] of await this.deployments.servingHistories(newDeployments)) cache.histories.set(k, v);
    const newVersions = cols.modelVersion.values.filter((v) => !cache.versions.has(v));
    if (newVersions.length) for (const [k, v] of await this.models.versionIdsByUrns(newVersions)) cache.versions.set(k, v);
  }
}

/** Prefixes a caller error with the record batch it is about (batches are numbered from 0). */
async function inBatch<T>(index: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof PedigreeError && index > 0) err.message = `Record batch ${index}: ${err.message}`;
    throw err;
  }
}
