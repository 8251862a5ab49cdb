/** Opens the configured database: the external DATABASE_URL, or the embedded PostgreSQL in the data dir. */
import { DataSource } from 'typeorm';
import { PedigreeConfig } from '../config/config';
import { createDataSource } from './data-source';
import { startEmbeddedPostgres } from './embedded';

export interface OpenDatabase {
  dataSource: DataSource;
  /** True when this process started PostgreSQL itself. */
  embedded: boolean;
  close(): Promise<void>;
}

export async function openDatabase(config: PedigreeConfig, log: (m: string) => void): Promise<OpenDatabase> {
  let url = config.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!url) {
    log(`starting embedded PostgreSQL in ${config.dataDir} on port ${config.embeddedPgPort}`);
    const embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPgPort,
      sharedBuffers: config.embeddedPgSharedBuffers,
    });
    url = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const dataSource = createDataSource(url, config.databasePoolSize);
  try {
    await dataSource.initialize();
    if (config.runMigrations) {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      if (applied.length) log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
    }
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy();
    if (stopEmbedded) await stopEmbedded();
    throw err;
  }
  return {
    dataSource,
    embedded: stopEmbedded !== undefined,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      if (stopEmbedded) await stopEmbedded();
    },
  };
}
