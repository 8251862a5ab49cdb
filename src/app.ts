/**
 * Starting and stopping Pedigree: open the database (embedded or DATABASE_URL, migrations applied), build
 * the Nest application on it, listen. Used by main.ts and by the tests, so both run the same path.
 */
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { PedigreeConfig } from './platform/config/config';
import { openDatabase, OpenDatabase } from './platform/database/open-database';
import { createRootLogger, NestPinoLogger, requestLogger } from './platform/logging/logger';

export interface RunningApp {
  app: INestApplication;
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  logger: Logger;
  database: OpenDatabase;
  close(): Promise<void>;
}

/** How long an idle keep-alive connection stays open. */
export const KEEP_ALIVE_MS = 65_000;

/** Request bodies above this size are refused with 413 before any parsing. */
export const MAX_BODY_BYTES = '2mb';

export async function startPedigree(config: PedigreeConfig, logger: Logger = createRootLogger(config)): Promise<RunningApp> {
  const database = await openDatabase(config, (message) => logger.info(message));
  let app: NestExpressApplication | undefined;
  try {
    app = await NestFactory.create<NestExpressApplication>(
      AppModule.register({ config, dataSource: database.dataSource, logger }),
      { logger: new NestPinoLogger(logger), bodyParser: false },
    );
    app.use(requestLogger(logger));

    // Ingestion takes larger bodies (batches of events) than the rest of the API.
    app.use('/api/v1', json({ limit: config.ingest.maxBodyBytes }));
    app.useBodyParser('json', { limit: MAX_BODY_BYTES });
    app.disable('x-powered-by');
    // Keep idle keep-alive connections longer than clients typically do (undici: 4 s, proxies: 60 s): a server
    // that closes first races a client reusing the socket, and a large ingestion body then fails mid-upload.
    const server = app.getHttpServer() as Server;
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    server.headersTimeout = KEEP_ALIVE_MS + 5_000;
    await app.listen(config.port, config.host);
  } catch (err) {
    if (app) await app.close();
    await database.close();
    throw err;
  }
  const address = app.getHttpServer().address() as { port: number };
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const started = app;
  let closing: Promise<void> | undefined;
  return {
    app: started,
    url: `http://${host}:${address.port}`,
    logger,
    database,
    close() {
      closing ??= (async () => {
        await started.close();
        await database.close();
      })();
      return closing;
    },
  };
}
