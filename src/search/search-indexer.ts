/**
 * Drains `search_outbox` into the search index: claims up to a batch of entries (SKIP LOCKED, so replicas
 * share the work), builds the documents from the catalog and applies them — with the PostgreSQL index in the
 * same transaction as the claim, so an entry leaves the outbox only with its document written. Several
 * workers (PEDIGREE_SEARCH_INDEXER_WORKERS) drain at once — document versions keep a slower one from
 * writing stale content. Waits 200 ms after a batch that did not fill up, so changes gather into batches.
 * Deferred entries (a dataset's new versions and reads, see the migration search-deferred-signals) are taken
 * per dataset once the oldest has waited PEDIGREE_SEARCH_DEFER_SECONDS, all of that dataset's together.
 * Lag (entries waiting, age of the oldest) is on /metrics.
 */
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import { SearchDocumentsService } from '../catalog/search/search-documents.service';
import { CONFIG, PedigreeConfig } from '../platform/config/config';
import { Db } from '../platform/database/db';
import { ROOT_LOGGER } from '../platform/logging/logger';
import { MetricsService } from '../platform/metrics/metrics';
import { SEARCH_INDEX, SearchIndex } from './search-index.port';

/**
 * Outbox entries per batch. A batch builds each entity's document once however many of its entries it holds,
 * and a big one shares its vocabulary lookups: under sustained ingestion (bench/README.md, "Ingestion"),
 * batches of 5,000 instead of 1,000 cost PostgreSQL a quarter less per event.
 */
const BATCH = 5000;
/** The wait when the outbox was empty or only partly filled a batch: changes gather instead of trickling. */
const IDLE_MS = 200;

@Injectable()
export class SearchIndexer implements OnApplicationBootstrap, OnApplicationShutdown {
  private running = false;
  /** Whether the index's store is ready (Elasticsearch: template and first index); retried until it is. */
  private ready = false;
  private loops: Promise<void>[] = [];
  /** End the current idle waits at once (shutdown must not wait out a poll interval or a backoff). */
  private readonly wakers = new Set<() => void>();
  private readonly indexed: Counter;

  constructor(
    private readonly db: Db,
    private readonly documents: SearchDocumentsService,
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    @Inject(CONFIG) private readonly config: PedigreeConfig,
    metrics: MetricsService,
  ) {
    this.indexed = new Counter({ name: 'pedigree_search_indexed_total', help: 'Outbox entries applied to the search index.', registers: [metrics.registry] });
    const database = this.db;
    new Gauge({
      name: 'pedigree_search_outbox_pending',
      help: 'Catalog changes waiting to be indexed (search lag in entries).',
      registers: [metrics.registry],
      async collect() {
        const [row] = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM search_outbox`).catch(() => [{ n: -1 }]);
        this.set(row.n);
      },
    });
    new Gauge({
      name: 'pedigree_search_outbox_oldest_seconds',
      help: 'Age of the oldest catalog change waiting to be indexed (search lag in time).',
      registers: [metrics.registry],
      async collect() {
        const [row] = await database
          .query<{ s: number }>(`SELECT COALESCE(extract(epoch FROM now() - min(enqueued_at)), 0)::float8 AS s FROM search_outbox`)
          .catch(() => [{ s: -1 }]);
        this.set(row.s);
      },
    });
  }

  onApplicationBootstrap(): void {
    if (!this.config.searchIndexer) return;
    this.running = true;
    this.loops = Array.from({ length: this.config.searchIndexerWorkers }, () => this.run());
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    for (const wake of this.wakers) wake();
    await Promise.all(this.loops);
  }

  /**
   * Applies one batch from the outbox: up to `limit` immediate entries, and every deferred entry of up to
   * `limit` datasets whose oldest deferred entry is at least `deferSeconds` old (0: all of them). Returns the
   * number of entries consumed (0 when there was nothing to do).
   */
  async drainOnce(limit = BATCH, deferSeconds = 0): Promise<number> {
    if (!this.ready) {
      await this.index.init();
      this.ready = true;
    }
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ id: string }>(
        // = ANY(ARRAY(…)) keeps this an index probe per claimed id whatever the planner thinks of the outbox's
        // size (an IN-subquery was planned as a nested loop over a sequential scan when the outbox went from
        // empty to a million entries between two ANALYZEs: minutes per batch).
        `DELETE FROM search_outbox
          WHERE id = ANY(ARRAY(SELECT id FROM search_outbox WHERE NOT deferred ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED))
             OR id = ANY(ARRAY(
                  SELECT o.id FROM search_outbox o
                   WHERE o.deferred AND o.node_id = ANY(ARRAY(
                           SELECT node_id FROM search_outbox WHERE deferred AND enqueued_at <= now() - make_interval(secs => $2)
                            ORDER BY enqueued_at LIMIT $1))
                     FOR UPDATE SKIP LOCKED))
         RETURNING node_id::text AS id`,
        [limit, deferSeconds],
      );
      if (!rows.length) return 0;
      const docs = await this.documents.documents([...new Set(rows.map((r) => r.id))]);
      await this.index.apply(docs);
      this.indexed.inc(rows.length);
      return rows.length;
    });
  }

  /** Drains until the outbox is empty, deferred entries included (tests, reindex). */
  async drain(): Promise<number> {
    let total = 0;
    for (let n = await this.drainOnce(); n > 0; n = await this.drainOnce()) total += n;
    return total;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const n = await this.drainOnce(BATCH, this.config.searchDeferSeconds);
        failures = 0;
        if (n < BATCH) await this.pause(IDLE_MS);
      } catch (err) {
        failures++;
        if (failures === 1 || failures % 50 === 0) this.log.warn({ err: (err as Error).message, failures }, 'search indexing failed; retrying');
        await this.pause(Math.min(30_000, IDLE_MS * 2 ** Math.min(failures, 8)));
      }
    }
  }
}

