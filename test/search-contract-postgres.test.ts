/** The search adapter contract, for real, on the PostgreSQL adapter (a database of its own, migrated). */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresSearchIndex } from '../src/search/postgres/pg-search-index';
import { searchContract } from './search-contract/contract';
import { CORPUS, version } from './search-contract/corpus';
import { startTestApp, TestApp } from './support/harness';

let app: TestApp | undefined;
after(async () => app?.close());

searchContract('PostgreSQL', async () => {
  app = await startTestApp({ PEDIGREE_SEARCH_INDEXER: 'false' });
  return new PostgresSearchIndex(app.db);
});

describe('PostgreSQL search: many matches', () => {
  it('estimates total and facets from a sample (approximate), still ranking the exact name first', async () => {
    const db = app!.db;
    const docs = Array.from({ length: 3000 }, (_, i) => ({
      ...CORPUS[1],
      nodeId: String(10_000 + i),
      urn: `urn:pedigree:dataset:bulk.orders_${i}`,
      name: `bulk.orders_${i}`,
      domain: i % 3 === 0 ? 'finance' : 'sales',
      usage: i % 7,
      version: version(100),
    }));
    const index = new PostgresSearchIndex(db, { exactCount: 200, sampleRows: 600 });
    await index.apply(docs);
    await index.apply([{ ...CORPUS[1], nodeId: '20000', urn: 'urn:pedigree:dataset:orders', name: 'orders', version: version(100) }]);
    await db.query(`ANALYZE search_document`);
    const r = await index.search({ words: ['orders'], text: 'orders', filter: {}, offset: 0, limit: 10 });
    assert.equal(r.approximate, true);
    assert.ok(r.total > 1500 && r.total < 6000, `estimated ${r.total} of about 3,000`);
    const domains = Object.fromEntries(r.facets.domains.map((f) => [f.value, f.count]));
    assert.ok(domains.sales > domains.finance, JSON.stringify(domains));
    assert.equal(r.hits[0].nodeId, '20000', 'the exact name leads whatever the sample');
    assert.equal(r.hits.length, 10);
    const exact = await index.search({ words: ['orders'], text: 'orders', filter: { domains: ['no such domain'] }, offset: 0, limit: 10 });
    assert.deepEqual([exact.approximate, exact.total], [false, 0], 'few matches are counted exactly');
    const defaults = await new PostgresSearchIndex(db).search({ words: ['orders'], text: 'orders', filter: {}, offset: 0, limit: 10 });
    assert.equal(defaults.approximate, false, 'a few thousand matches are counted exactly by default');
    assert.ok(defaults.total >= 3001, `every match counted: ${defaults.total}`);
  });
});
