/**
 * The Kafka transport, on when KAFKA_BROKERS is set: one consumer group (KAFKA_GROUP_ID) over KAFKA_TOPICS.
 * Each partition's messages are applied in chunks of KAFKA_BATCH_SIZE through the ingestion pipeline; a
 * chunk's offsets are committed only after its database transaction committed, so a crash at any point
 * redelivers at most the uncommitted chunk, which receipts then make a no-op. When PostgreSQL is down the
 * chunk is retried with exponential backoff (heartbeating meanwhile, so the group keeps its partitions);
 * nothing is skipped. Memory is bounded by the fetch sizes below and one chunk per partition in flight
 * (KAFKA_PARTITIONS_CONCURRENTLY partitions at a time, each in its own transaction).
 * Replicas of the service in the same group split the partitions between them.
 */
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage, logLevel } from 'kafkajs';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import { CONFIG, PedigreeConfig } from '../../platform/config/config';
import { isTransient } from '../../platform/database/transient';
import { ROOT_LOGGER } from '../../platform/logging/logger';
import { MetricsService } from '../../platform/metrics/metrics';
import { Db } from '../../platform/database/db';
import { PedigreeError } from '../../platform/errors/errors';
import { PredictionIngestService } from '../../predictions/ingest/prediction-ingest.service';
import { IngestionService } from '../ingestion.service';
import { IngestSummary, RawEvent } from '../ingestion.types';
import { AuditService } from '../../audit/audit.service';
import { NewDeadLetter } from '../dead-letters.repository';

/** Fetch bounds: what one fetch may hold in memory, in all and per partition. */
export const KAFKA_MAX_BYTES = 16 * 1024 * 1024;
export const KAFKA_MAX_BYTES_PER_PARTITION = 2 * 1024 * 1024;
const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

@Injectable()
export class KafkaIngestion implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: Consumer;
  private stopped = false;
  private readonly lag: Gauge<'topic' | 'partition'>;
  private readonly retries: Counter<'topic'>;
  private readonly assigned: Gauge<'topic'>;
  private readonly held: Gauge;

  constructor(
    @Inject(CONFIG) private readonly config: PedigreeConfig,
    private readonly ingestion: IngestionService,
    private readonly predictions: PredictionIngestService,
    private readonly db: Db,
    metrics: MetricsService,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    private readonly audit: AuditService,
  ) {
    this.lag = new Gauge({
      name: 'pedigree_kafka_consumer_lag',
      help: 'Messages behind the partition high watermark after the last committed chunk.',
      labelNames: ['topic', 'partition'],
      registers: [metrics.registry],
    });
    this.held = new Gauge({
      name: 'pedigree_kafka_messages_held',
      help: 'Fetched messages of the batches being applied right now (the rest stays in Kafka).',
      registers: [metrics.registry],
    });
    this.assigned = new Gauge({
      name: 'pedigree_kafka_assigned_partitions',
      help: 'Partitions of each topic this replica consumes (set on every group join).',
      labelNames: ['topic'],
      registers: [metrics.registry],
    });
    this.retries = new Counter({
      name: 'pedigree_kafka_chunk_retries_total',
      help: 'Chunks that could not be applied (the database unreachable, a deadlock) and were retried after a backoff.',
      labelNames: ['topic'],
      registers: [metrics.registry],
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const k = this.config.kafka;
    if (!k) return;
    const log = this.logger.child({ component: 'kafka' });
    const kafka = new Kafka({
      clientId: k.clientId,
      brokers: k.brokers,
      logLevel: logLevel.WARN,
      logCreator: () => ({ level, log: entry }) => {
        const { message, ...rest } = entry;
        (level <= logLevel.ERROR ? log.error.bind(log) : log.warn.bind(log))(rest, message);
      },
    });
    this.consumer = kafka.consumer({
      groupId: k.groupId,
      sessionTimeout: k.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(k.sessionTimeoutMs / 10)),
      maxWaitTimeInMs: k.maxWaitMs,
      maxBytes: KAFKA_MAX_BYTES,
      maxBytesPerPartition: KAFKA_MAX_BYTES_PER_PARTITION,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: BACKOFF_MAX_MS },
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assigned.reset();
      for (const [topic, partitions] of Object.entries(payload.memberAssignment)) this.assigned.set({ topic }, partitions.length);
    });
    // While the group rebalances this replica holds nothing; the gauge says so until the next assignment.
    this.consumer.on(this.consumer.events.REBALANCING, () => this.assigned.reset());
    // Start in the background: the service serves HTTP while Kafka is unreachable, and catches up later.
    void this.start([...k.topics, ...k.predictionTopics], log);
  }

  private async start(topics: string[], log: Logger): Promise<void> {
    const consumer = this.consumer!;
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await consumer.connect();
        await consumer.subscribe({ topics, fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: this.config.kafka!.partitionsConcurrently,
          eachBatch: (payload) => this.eachBatch(payload),
        });
        log.info({ topics, groupId: this.config.kafka!.groupId }, 'consuming');
        return;
      } catch (err) {
        log.warn({ err: (err as Error).message, attempt }, 'Kafka consumer could not start; retrying');
        await sleep(Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt));
      }
    }
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    this.held.inc(payload.batch.messages.length);
    try {
      await this.applyBatch(payload);
    } finally {
      this.held.dec(payload.batch.messages.length);
    }
  }

  private async applyBatch({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload): Promise<void> {
    const size = this.config.kafka!.batchSize;
    for (let i = 0; i < batch.messages.length; i += size) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(i, i + size);
      const applied = await this.applyUntilDone(batch.topic, batch.partition, chunk, heartbeat, () => isRunning() && !isStale());
      if (!applied) return; // shutting down or rebalanced: the uncommitted chunk is redelivered
      const last = chunk[chunk.length - 1].offset;
      const next = (BigInt(last) + 1n).toString();
      await this.consumer!.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
      resolveOffset(last);
      this.lag.set({ topic: batch.topic, partition: String(batch.partition) }, Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(next))));
      await heartbeat();
    }
  }

  /** Applies one chunk, retrying with backoff until it commits; false when the consumer stops meanwhile. */
  private async applyUntilDone(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    heartbeat: () => Promise<void>,
    active: () => boolean,
  ): Promise<boolean> {
    const events: RawEvent[] = messages.map((m) => ({ body: m.value ?? Buffer.alloc(0), origin: { source: 'kafka', topic, partition, offset: m.offset } }));
    const predictions = this.config.kafka!.predictionTopics.includes(topic);
    for (let attempt = 0; ; attempt++) {
      try {
        const counts = predictions ? await this.applyPredictions(events) : summaryCounts(await this.ingestion.ingest(events));
        // One audit entry per applied chunk, before its offsets are committed: a crash in between replays the
        // chunk (idempotently) and records it again, so no applied chunk goes unrecorded.
        await this.audit.record({
          principal: `kafka:${this.config.kafka!.groupId}`,
          action: 'ingest kafka',
          target: `${topic}/${partition}`,
          outcome: 'succeeded',
          details: { firstOffset: messages[0].offset, lastOffset: messages[messages.length - 1].offset, ...counts },
        });
        return true;
      } catch (err) {
        this.retries.inc({ topic });
        const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt) * (0.5 + Math.random() / 2);
        this.logger.warn(
          { err: (err as Error).message, transient: isTransient(err), topic, partition, offset: messages[0].offset, retryInMs: Math.round(delay) },
          'could not apply a Kafka chunk; retrying (offsets stay uncommitted)',
        );
        for (let waited = 0; waited < delay; waited += 1000) {
          if (!active()) return false;
          await sleep(Math.min(1000, delay - waited));
          await heartbeat().catch(() => undefined);
        }
      }
    }
  }

  /**
   * Prediction messages of one chunk in one transaction, each in its own savepoint: a message that cannot be
   * stored (bad Arrow, an unknown deployment, …) is dead-lettered with its reason and the rest is stored.
   * Database failures propagate, and the whole chunk is retried.
   */
  private async applyPredictions(events: RawEvent[]): Promise<{ received: number; deadLettered: number }> {
    return this.db.transaction(async (tx) => {
      const letters: NewDeadLetter[] = [];
      for (const e of events) {
        const value = e.body as Buffer;
        try {
          await this.predictions.ingestMessage(value, e.origin.source === 'kafka' ? e.origin.topic : 'kafka');
        } catch (err) {
          if (!(err instanceof PedigreeError) || isTransient(err)) throw err;
          letters.push({
            origin: e.origin,
            payload: this.predictions.messagePayloadText(value),
            error: `Prediction message not stored: ${err.message}`,
            urns: [],
          });
        }
      }
      await this.ingestion.deadLetters.insert(tx, letters);
      return { received: events.length, deadLettered: letters.length };
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect().catch(() => undefined);
  }
}

function summaryCounts(s: IngestSummary): Record<string, number> {
  return { received: s.received, applied: s.applied, duplicates: s.duplicates, deadLettered: s.deadLettered };
}
