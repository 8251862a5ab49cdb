/**
 * Db: the single gateway from repositories to PostgreSQL. Repositories write explicit, parameterized SQL
 * and run it through `Sql` (either the pool or one transaction). It counts statements so tests can prove
 * that a request costs a constant number of queries, and maps PostgreSQL errors that callers can act on
 * (unique / foreign-key / check violations) to domain errors instead of leaking SQL.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, type ClientConfig, type Pool, type PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { ConflictError, InvalidInputError, PedigreeError } from '../errors/errors';

export interface Sql {
  /**
   * Runs one parameterized statement. `prepareAs` names it as a prepared statement (parsed once per
   * connection, then only bound and executed): for hot statements whose text never changes.
   */
  query<T = Record<string, unknown>>(text: string, params?: unknown[], prepareAs?: string): Promise<T[]>;
}

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

/** Turns driver errors that describe the caller's input into domain errors; everything else propagates. */
function translate(err: unknown): unknown {
  if (err instanceof PedigreeError) return err;
  const pg = ((err as { driverError?: PgError }).driverError ?? err) as PgError;
  switch (pg.code) {
    case '23505':
      return new ConflictError(`A conflicting record already exists (${pg.constraint ?? 'unique constraint'}).`);
    case '23503':
      return new InvalidInputError(`A referenced record does not exist (${pg.constraint ?? 'foreign key'}).`);
    case '23514':
      return new InvalidInputError(`A value is out of range (${pg.constraint ?? 'check constraint'}).`);
    case '22001':
      return new InvalidInputError('A value is too long.');
    default:
      return err;
  }
}

type Queryable = Pick<PoolClient, 'query'>;

class ClientSql implements Sql {
  /** Savepoints open in this transaction (named by depth: a name refers to its most recent savepoint). */
  savepointDepth = 0;
  constructor(
    private readonly client: Queryable,
    private readonly onQuery: (text: string) => void,
    /** The dedicated connection of a transaction (absent for one-off statements on the pool). */
    readonly connection?: PoolClient,
  ) {}
  async query<T>(text: string, params: unknown[] = [], prepareAs?: string): Promise<T[]> {
    this.onQuery(text);
    try {
      const result = prepareAs ? await this.client.query({ name: prepareAs, text, values: params }) : await this.client.query(text, params);
      return result.rows as T[];
    } catch (err) {
      throw translate(err);
    }
  }
}

/**
 * Streams `data` into `COPY … FROM STDIN` on the current transaction's connection. Errors keep PostgreSQL's
 * shape (code, where): the caller knows which rows it sent and says which one failed.
 */
async function copyInto(client: PoolClient, text: string, data: Buffer): Promise<void> {
  await pipeline(Readable.from([data]), client.query(copyFrom(text)));
}

export class Db implements Sql {
  private statements = 0;
  /** The transaction the current async call chain runs in, if any: `query` and `transaction` join it. */
  private readonly current = new AsyncLocalStorage<ClientSql>();
  /** The pool TypeORM opened: hot paths use it directly (no QueryRunner per statement). */
  private readonly pool: Pool;

  constructor(readonly dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
  }

  /** Statements issued since the process started (tests read the difference around one request). */
  get statementCount(): number {
    return this.statements;
  }

  /** Set by the SQL snapshot test to see every statement text; never set in production. */
  onStatement?: (text: string) => void;

  private readonly count = (text: string): void => {
    this.statements += 1;
    this.onStatement?.(text);
  };

  /** Runs one statement: in the surrounding transaction when there is one, else on any pooled connection. */
  query<T = Record<string, unknown>>(text: string, params: unknown[] = [], prepareAs?: string): Promise<T[]> {
    return (this.current.getStore() ?? new ClientSql(this.pool, this.count)).query<T>(text, params, prepareAs);
  }

  /**
   * Runs `work` in a transaction on a connection of its own, opened for it and outside the pool: for rare
   * maintenance (partition DDL) that a caller holding pooled connections must never wait on the pool for.
   */
  async onOwnConnection<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const client = new Client((this.pool as unknown as { options: ClientConfig }).options);
    client.on('error', () => undefined); // reported through the failing statement, never as an uncaught event
    await client.connect();
    try {
      await client.query('BEGIN');
      const result = await this.current.exit(() => work(new ClientSql(client, this.count)));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw translate(err);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** COPY … FROM STDIN inside the surrounding transaction (there must be one: COPY needs its connection). */
  async copyIn(text: string, data: Buffer): Promise<void> {
    const tx = this.current.getStore();
    if (!tx?.connection) throw new Error('Db.copyIn runs inside Db.transaction only');
    this.count(text);
    await copyInto(tx.connection, text, data);
  }

  /**
   * Runs `work` in one transaction; commits when it resolves, rolls back when it throws. Called inside
   * another transaction (same async call chain), it becomes a savepoint of that one: its failure undoes only
   * its own work, and nothing commits until the outermost transaction does. Services can so be composed
   * into one unit of work (e.g. a batch of ingested events) without knowing it.
   */
  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const outer = this.current.getStore();
    if (outer) return this.savepoint(outer, work);
    const client = await this.pool.connect();
    let broken = false;
    // A checked-out client has no listener of the pool's: without this one, a connection the server ends
    // between two statements (shutdown, network loss) would be an uncaught 'error' that takes the process down.
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const tx = new ClientSql(client, this.count, client);
      const result = await this.current.run(tx, () => work(tx));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true; // the connection is unusable: drop it from the pool
      });
      throw translate(err);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /**
   * Runs `work` in a transaction of its own even when called inside another one: for records that must
   * persist whatever becomes of the surrounding work (an audited denial inside a transaction that rolls back).
   */
  detached<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    return this.current.exit(() => this.transaction(work));
  }

  private async savepoint<T>(tx: ClientSql, work: (tx: Sql) => Promise<T>): Promise<T> {
    const name = `pedigree_sp_${++tx.savepointDepth}`;
    await tx.query(`SAVEPOINT ${name}`);
    try {
      const result = await work(tx);
      await tx.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (err) {
      await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw err;
    } finally {
      tx.savepointDepth -= 1;
    }
  }
}
