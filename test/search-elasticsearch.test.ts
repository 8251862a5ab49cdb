/**
 * The Elasticsearch adapter against recorded exchanges (test/fixtures/elasticsearch/adapter.json; see
 * test/support/es-recordings.ts for playback, update and recording). Each step asserts what the adapter
 * makes of the responses; playback asserts the requests are exactly the recorded ones — so the query DSL,
 * the versioned writes, the alias handling of a rebuild and the pushed-down access filter are all pinned.
 * The same adapter runs the shared contract suite against a real cluster when ELASTICSEARCH_URL is set.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { ElasticsearchSearchIndex, elasticsearchClient } from '../src/search/elasticsearch/es-search-index';
import { indexTemplate } from '../src/search/elasticsearch/es-template';
import { searchWords } from '../src/search/search-index.port';
import { ConflictError, UnavailableError } from '../src/platform/errors/errors';
import { CORPUS } from './search-contract/corpus';
import { playback, recorder } from './support/es-recordings';

const FILE = join(__dirname, '../../test/fixtures/elasticsearch/adapter.json');
const record = process.env.RECORD_ES === '1' && process.env.ELASTICSEARCH_URL;
const session = record ? recorder(FILE, `recorded from ${process.env.ELASTICSEARCH_URL}`) : playback(FILE, process.env.UPDATE_ES_RECORDINGS === '1');
const client = new Client({ node: process.env.ELASTICSEARCH_URL && record ? process.env.ELASTICSEARCH_URL : 'http://localhost:9200', Connection: session.Connection, maxRetries: 0 });
const index = new ElasticsearchSearchIndex(client, { index: 'pedigree-recorded', clock: () => 1_790_000_000_000 });
/** Values that depend on the cluster's scoring are asserted in playback; a recording run only records. */
const playingBack = !record;
/** The corpus with fixed versions, so the recorded bulk bodies do not change from run to run. */
const docs = CORPUS.map((d, i) => ({ ...d, version: String(1_790_000_000_000_000 + i) }));
const words = (text: string) => ({ words: searchWords(text), text, filter: {}, offset: 0, limit: 10 });

/** Every object in a JSON value (to look for query types anywhere in a body). */
const keysIn = (value: unknown): string[] =>
  value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => [k, ...keysIn(v)]) : [];

before(async () => {
  if (!record) return;
  // A recording starts from a clean cluster (outside the recording).
  const admin = new Client({ node: process.env.ELASTICSEARCH_URL! });
  await admin.indices.delete({ index: 'pedigree-recorded-v*' }, { ignore: [404] });
  await admin.indices.deleteIndexTemplate({ name: 'pedigree-recorded' }, { ignore: [404] });
  await admin.close();
});
after(async () => {
  if (record) await client.close(); // the playback connection holds no sockets (and has no close)
});

describe('Elasticsearch adapter (recorded exchanges)', () => {
  it('puts the index template and creates the first index behind the alias', async () => {
    session.step('init');
    await index.init();
    const template = indexTemplate('pedigree-recorded');
    assert.deepEqual(template.index_patterns, ['pedigree-recorded-v*']);
    const analysis = template.template.settings.analysis;
    assert.deepEqual(analysis.analyzer.identifier.filter, ['identifier_parts', 'lowercase']);
    assert.equal(analysis.filter.identifier_parts.split_on_case_change, true);
  });

  it('writes documents with their version (external_gte) through the alias, and ignores a stale one', async () => {
    session.step('apply');
    await index.apply(docs.slice(0, 3));
    session.step('apply stale');
    await index.apply([{ ...docs[1], description: 'stale', version: String(Number(docs[1].version) - 1) }]);
  });

  it('refuses a batch Elasticsearch could not index, naming the document and the reason', async () => {
    session.step('apply rejected');
    const wrong = { ...docs[3], usage: 'lots' as unknown as number };
    await assert.rejects(index.apply([wrong]), (err: Error) => err instanceof UnavailableError && /4: document_parsing_exception/.test(err.message));
  });

  it('maps hits, highlights and facets', async () => {
    session.step('search');
    const r = await index.search(words('customers'));
    if (!playingBack) return;
    assert.equal(r.total, 2);
    assert.deepEqual(r.hits.map((h) => h.nodeId), ['1', '2']);
    assert.equal(r.hits[0].score, 121.5);
    assert.deepEqual(r.hits[0].highlights, [
      { field: 'name', fragment: 'public.<mark>customers</mark>' },
      { field: 'description', fragment: 'Every <mark>customer</mark> we have … one row each' },
    ]);
    assert.deepEqual(r.facets.kinds, [{ value: 'dataset', count: 2 }]);
    assert.deepEqual(r.facets.classifications, [{ value: 'PII', count: 1 }]);
    assert.deepEqual(r.facets.platforms, []);
  });

  it('pushes the filter and the access scope into the query, and keeps query syntax as plain text', async () => {
    session.step('search with filter, access scope and query syntax');
    const r = await index.search({
      ...words(`"customers:*(\\ {"match_all":{}}`),
      filter: { domains: ['sales'], tags: ['gold'] },
      access: { allow: [{ domains: ['sales'] }, { ownerTeams: ['ml'], kinds: ['model'] }], deny: [{ classifications: ['PII'] }] },
    });
    assert.equal(r.total, 0);
    assert.deepEqual(r.hits, []);
  });

  it('browses by usage with no words', async () => {
    session.step('browse');
    const r = await index.search({ ...words(''), limit: 2 });
    if (!playingBack) return;
    assert.equal(r.total, 8);
    assert.deepEqual(r.hits.map((h) => h.nodeId), ['1', '7']);
    assert.deepEqual(r.hits[0].highlights, []);
  });

  it('suggests from the stored names', async () => {
    session.step('suggest');
    const s = await index.suggest({ words: ['cust'], prefix: 'cust', limit: 10 });
    if (!playingBack) return;
    assert.deepEqual(s, [
      { nodeId: '8', kind: 'feature_view', urn: 'urn:pedigree:feature_view:customer_features', name: 'customer_features' },
      { nodeId: '1', kind: 'dataset', urn: 'urn:pedigree:dataset:public.customers', name: 'public.customers' },
    ]);
  });

  it('rebuilds into a new index, writes changes to both meanwhile, and swaps the alias atomically', async () => {
    session.step('rebuild: begin');
    const rebuild = await index.beginRebuild();
    session.step('rebuild: fill');
    await rebuild.apply(docs.slice(0, 1));
    session.step('rebuild: a change meanwhile');
    await index.apply(docs.slice(2, 3));
    session.step('rebuild: a second rebuild is refused');
    await assert.rejects(index.beginRebuild(), (err: Error) => err instanceof ConflictError && /pedigree-recorded-v1790000000000/.test(err.message));
    session.step('rebuild: finish');
    assert.deepEqual(await rebuild.finish(), { removed: 1 });
  });

  it('answers a missing index with a clear, retryable error', async () => {
    session.step('search: no index');
    const missing = new ElasticsearchSearchIndex(client, { index: 'pedigree-recorded-missing' });
    await assert.rejects(missing.search(words('customers')), (err: Error) => err instanceof UnavailableError && /not there yet/.test(err.message));
  });

  it('played every recorded exchange, and only those', () => {
    session.finish();
  });

  it('never builds a query_string query from user text', () => {
    const recorded = JSON.parse(readFileSync(FILE, 'utf8')) as { exchanges: { request: { body: unknown } }[] };
    const keys = recorded.exchanges.flatMap((e) => keysIn(e.request.body));
    assert.ok(keys.includes('match') && keys.includes('terms') && keys.includes('must_not'));
    assert.ok(!keys.includes('query_string') && !keys.includes('simple_query_string'));
  });
});

describe('Elasticsearch adapter (unreachable cluster)', () => {
  it('reports the cluster as unavailable, not as an internal error', async () => {
    const down = new ElasticsearchSearchIndex(elasticsearchClient({ url: 'http://127.0.0.1:9' }), { index: 'pedigree' });
    try {
      await assert.rejects(down.search(words('x')), (err: Error) => err instanceof UnavailableError && /Elasticsearch is unavailable \(searching\)/.test(err.message));
      await assert.rejects(down.init(), UnavailableError);
    } finally {
      await down.close();
    }
  });
});

describe('recording exchanges (RECORD_ES)', () => {
  it('writes each request and response, in order, bulk bodies as lines', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
        res.end(JSON.stringify({ acknowledged: true, errors: false, items: [] }));
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const path = join(mkdtempSync(join(tmpdir(), 'es-rec-')), 'rec.json');
    const rec = recorder(path, 'a test server');
    const real = new Client({ node: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, Connection: rec.Connection });
    try {
      rec.step('one');
      await real.indices.putIndexTemplate({ name: 't', index_patterns: ['t-*'] });
      rec.step('two');
      await real.bulk({ operations: [{ index: { _index: 't', _id: '1' } }, { a: 1 }] });
      rec.finish();
      const file = JSON.parse(readFileSync(path, 'utf8'));
      assert.equal(file.source, 'a test server');
      assert.deepEqual(
        file.exchanges.map((e: { step: string; request: { method: string; path: string; body: unknown }; status: number }) => [e.step, e.request.method, e.request.path, e.request.body, e.status]),
        [
          ['one', 'PUT', '/_index_template/t', { index_patterns: ['t-*'] }, 200],
          ['two', 'POST', '/_bulk', [{ index: { _index: 't', _id: '1' } }, { a: 1 }], 200],
        ],
      );
      assert.deepEqual(file.exchanges[0].response, { acknowledged: true, errors: false, items: [] });
    } finally {
      await real.close();
      server.close();
    }
  });
});
