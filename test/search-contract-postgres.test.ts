/** The search adapter contract, for real, on the PostgreSQL adapter (a database of its own, migrated). */
import { after } from 'node:test';
import { PostgresSearchIndex } from '../src/search/postgres/pg-search-index';
import { searchContract } from './search-contract/contract';
import { startTestApp, TestApp } from './support/harness';

let app: TestApp | undefined;
after(async () => app?.close());

searchContract('PostgreSQL', async () => {
  app = await startTestApp({ PEDIGREE_SEARCH_INDEXER: 'false' });
  return new PostgresSearchIndex(app.db);
});
