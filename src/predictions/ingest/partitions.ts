/**
 * Daily partitions of `prediction`: created ahead (PEDIGREE_PREDICTION_PARTITIONS_AHEAD days) by a
 * maintenance pass at start-up and every hour, created on demand for the days a batch needs, and dropped
 * whole once they are older than PEDIGREE_PREDICTION_RETENTION_DAYS. Partition DDL runs in its own short
 * transaction on a connection of its own: never inside an ingesting transaction (whose locks it would hold
 * until commit), and never waiting for the pool that ingesting requests may have exhausted.
 */
import type { Logger } from 'pino';
import { Db, Sql } from '../../platform/database/db';
import { DAY_MS } from './attribution';

const NAME = /^prediction_p(\d{4})(\d{2})(\d{2})$/;

export function partitionName(day: number): string {
  return `prediction_p${new Date(day * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '')}`;
}

const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

export class PredictionPartitions {
  private readonly known = new Set<number>();

  constructor(
    private readonly db: Db,
    private readonly retentionDays: number,
    private readonly aheadDays: number,
    private readonly now: () => number = Date.now,
  ) {}

  today(): number {
    return Math.floor(this.now() / DAY_MS);
  }

  /** The days a record's timestamp may fall on: retention behind, partitions ahead. */
  window(): { firstDay: number; lastDay: number } {
    const today = this.today();
    return { firstDay: today - this.retentionDays + 1, lastDay: today + this.aheadDays };
  }

  async ensure(days: readonly number[]): Promise<void> {
    const missing = days.filter((d) => !this.known.has(d));
    if (!missing.length) return;
    const existing = await this.db.onOwnConnection((sql) => this.existing(sql));
    for (const day of missing) {
      if (!existing.has(day)) await this.create(day);
      this.known.add(day);
    }
  }

  /** Creates the partitions ahead and drops those past retention; returns what it did. */
  async maintain(log?: Logger): Promise<{ created: string[]; dropped: string[] }> {
    const { firstDay, lastDay } = this.window();
    const existing = await this.existing(this.db);
    for (const day of existing) this.known.add(day);
    const created: string[] = [];
    for (let day = this.today(); day <= lastDay; day++) {
      if (existing.has(day)) continue;
      await this.create(day);
      created.push(partitionName(day));
    }
    const dropped: string[] = [];
    for (const day of existing) {
      if (day >= firstDay) continue;
      if (!(await this.drop(day))) continue;
      this.known.delete(day);
      dropped.push(partitionName(day));
    }
    if (log && (created.length || dropped.length)) log.info({ created, dropped }, 'prediction partitions maintained');
    return { created, dropped };
  }

  private async existing(sql: Sql): Promise<Set<number>> {
    const rows = await sql.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'prediction'::regclass`,
    );
    const days = new Set<number>();
    for (const { name } of rows) {
      const m = NAME.exec(name);
      if (m) days.add(Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS));
    }
    return days;
  }

  /**
   * Creates a partition as a plain table and attaches it: ATTACH takes only a SHARE UPDATE EXCLUSIVE lock on
   * `prediction`, which does not wait for transactions that are writing to it (CREATE … PARTITION OF would).
   * Creators on several replicas are serialised by an advisory lock; lock waits are bounded.
   */
  private async create(day: number): Promise<void> {
    const name = partitionName(day);
    await this.db.onOwnConnection(async (tx) => {
        await tx.query(`SET LOCAL lock_timeout = '5s'`);
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('pedigree.prediction_partitions'))`);
        const [{ attached }] = await tx.query<{ attached: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                           WHERE i.inhparent = 'prediction'::regclass AND c.relname = $1) AS attached`,
          [name],
        );
        if (attached) return;
        await tx.query(`CREATE TABLE IF NOT EXISTS ${name} (LIKE prediction INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
        await tx.query(`ALTER TABLE prediction ATTACH PARTITION ${name} FOR VALUES FROM ('${isoDay(day)}') TO ('${isoDay(day + 1)}')`);
    });
  }

  private async drop(day: number): Promise<boolean> {
    try {
      await this.db.onOwnConnection(async (tx) => {
        // Never queue behind long ingesting transactions (and make new ones queue behind us): retry next pass.
        await tx.query(`SET LOCAL lock_timeout = '2s'`);
        await tx.query(`DROP TABLE IF EXISTS ${partitionName(day)}`);
      });
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === '55P03') return false;
      throw err;
    }
  }
}
