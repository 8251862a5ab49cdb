import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ADMIN_KEY, codeOf, startTestApp, TestApp } from './support/harness';
import { dataset, datasetVersion, deployment, model, modelVersion, run } from './support/catalog';
import { SearchIndexer } from '../src/search/search-indexer';

let app: TestApp;
const urns: Record<string, string> = {};
before(async () => {
  app = await startTestApp();
  const ds = async (key: string, name: string, extra: Record<string, unknown>, columns: { name: string; type: string; description?: string }[] = []) => {
    urns[key] = await dataset(app, name, extra);
    if (columns.length) urns[`${key}@1`] = await datasetVersion(app, urns[key], { columns });
  };
  await ds('customers', 'public.customers', { description: 'Every customer we have, one row each.', domain: 'sales', ownerTeam: 'crm', tags: ['gold'], classifications: ['PII'] }, [
    { name: 'customer_id', type: 'bigint' },
    { name: 'email', type: 'text', description: 'Primary contact address' },
  ]);
  await ds('orders', 'public.customer_orders', { description: 'Orders placed by customers.', domain: 'sales', ownerTeam: 'crm' }, [
    { name: 'order_id', type: 'bigint' },
    { name: 'customer_id', type: 'bigint' },
  ]);
  await ds('items', 'public.orderItems', { description: 'Line items.', domain: 'sales', ownerTeam: 'commerce' }, [{ name: 'sku', type: 'text' }]);
  await ds('payments', 'public.payments_eu', { description: 'Card payments in the EU, with the customer reference.', domain: 'finance', ownerTeam: 'payments', tags: ['gold'] }, [
    { name: 'amount', type: 'numeric' },
  ]);
  await ds('ledger', 'public.ledger', { description: 'General ledger.', domain: 'finance', ownerTeam: 'accounting' }, [
    { name: 'shipping_address', type: 'text', description: 'Where the order goes' },
  ]);
  urns.s3 = await dataset(app, 'raw/customers_export', { namespace: 's3://lake', description: 'Nightly export.' });
  urns.churn = await model(app, 'churn-predictor', { description: 'Predicts customer churn.', domain: 'sales' });
  urns.churn1 = await modelVersion(app, urns.churn, {});
  // usage: three runs read the customers table
  for (const r of ['read-1', 'read-2', 'read-3']) await run(app, r, { inputs: [urns['customers@1']] });
  await app.running.app.get(SearchIndexer).drain();
});
after(async () => app?.close());

const SEARCH = `query($q: String!, $f: SearchFilter, $first: Int, $after: String) { search(query: $q, filter: $f, first: $first, after: $after) {
  total hasNextPage endCursor hits { score entity { urn kind name } highlights { field fragment } }
  facets { kinds { value count } domains { value count } ownerTeams { value count } tags { value count } classifications { value count } platforms { value count } } } }`;
const search = async (q: string, extra: Record<string, unknown> = {}) => (await app.ok(SEARCH, { q, ...extra })).search;
const top = async (q: string, extra: Record<string, unknown> = {}) => (await search(q, extra)).hits.map((h: { entity: { urn: string } }) => h.entity.urn);

describe('search', () => {
  it('ranks an exact name first, then name prefixes, then matches in columns and descriptions', async () => {
    const hits = await top('customers');
    assert.equal(hits[0], urns.customers, JSON.stringify(hits));
    assert.ok(hits.includes(urns.orders) && hits.includes(urns.s3) && hits.includes(urns.payments), JSON.stringify(hits));
    assert.ok(hits.indexOf(urns.payments) > hits.indexOf(urns.orders), 'a description mention ranks below a name match');
    const prefix = await top('customer ord');
    assert.equal(prefix[0], urns.orders);
  });

  it('tolerates typos and splits snake_case and camelCase', async () => {
    assert.equal((await top('custmer'))[0], urns.customers);
    assert.equal((await top('order items'))[0], urns.items);
    assert.equal((await top('orderitems')).includes(urns.items), true);
    assert.equal((await top('payments eu'))[0], urns.payments);
    const col = await search('shipping address');
    assert.equal(col.hits[0].entity.urn, urns.ledger);
    assert.ok(col.hits[0].highlights.some((h: { field: string; fragment: string }) => h.field === 'columns' && /<mark>shipping<\/mark>/.test(h.fragment)), JSON.stringify(col.hits[0].highlights));
  });

  it('counts facets over every match and filters by them', async () => {
    const all = await search('customer');
    const facet = (name: string) => Object.fromEntries(all.facets[name].map((f: { value: string; count: number }) => [f.value, f.count]));
    assert.equal(facet('kinds').dataset, all.hits.filter((h: { entity: { kind: string } }) => h.entity.kind === 'DATASET').length);
    assert.equal(facet('classifications').PII, 1);
    assert.equal(facet('platforms').s3, 1);
    const finance = await search('customer', { f: { domains: ['finance'] } });
    assert.deepEqual(finance.hits.map((h: { entity: { urn: string } }) => h.entity.urn), [urns.payments]);
    assert.equal(finance.total, 1);
    const models = await search('churn', { f: { kinds: ['MODEL'] } });
    assert.deepEqual(models.hits.map((h: { entity: { urn: string } }) => h.entity.urn), [urns.churn]);
  });

  it('counts the facets a query selects, through fragments too', async () => {
    const d = await app.ok(`query { search(query: "customer") { total facets { ...F } } }
      fragment F on SearchFacets { tags { value count } ... on SearchFacets { classifications { value count } } }`);
    assert.deepEqual(d.search.facets.tags, [{ value: 'gold', count: 2 }]);
    assert.deepEqual(d.search.facets.classifications, [{ value: 'PII', count: 1 }]);
    const only = await app.ok(`{ search(query: "customer") { facets { kinds { value count } } } }`);
    assert.ok(only.search.facets.kinds.length > 0);
  });

  it('pages with cursors, and browses by usage when the query is empty', async () => {
    const first = await search('', { first: 2 });
    assert.equal(first.hits[0].entity.urn, urns.customers, 'the most-read dataset leads the browse');
    assert.equal(first.hasNextPage, true);
    const second = await search('', { first: 2, after: first.endCursor });
    const seen = new Set([...first.hits, ...second.hits].map((h: { entity: { urn: string } }) => h.entity.urn));
    assert.equal(seen.size, 4);
  });

  it('indexes in the background: a new dataset becomes findable without anyone draining by hand', async () => {
    const urn = await dataset(app, 'public.refunds', { description: 'Refunds issued.' });
    const deadline = Date.now() + 10_000;
    let found: string[] = [];
    while (Date.now() < deadline) {
      found = await top('refunds');
      if (found[0] === urn) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(found[0], urn);
    const metrics = await (await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    assert.match(metrics, /pedigree_search_outbox_pending \d+/);
    assert.match(metrics, /pedigree_search_indexed_total [1-9]/);
  });

  it('sees new and changed entities once the indexer drains the outbox', async () => {
    const urn = await dataset(app, 'public.invoices', { description: 'Invoices sent.' });
    await app.running.app.get(SearchIndexer).drain();
    assert.equal((await top('invoices'))[0], urn);
    await dataset(app, 'public.invoices', { description: 'Invoices sent to wholesale buyers.' });
    await app.running.app.get(SearchIndexer).drain();
    assert.equal((await top('wholesale'))[0], urn);
    const pending = await app.db.query<{ n: string }>(`SELECT count(*) AS n FROM search_outbox`);
    assert.equal(Number(pending[0].n), 0);
  });

  it('suggests names by prefix', async () => {
    const d = await app.ok(`{ suggest(prefix: "public.cust") { urn name kind } }`);
    assert.deepEqual(d.suggest.map((s: { urn: string }) => s.urn).sort(), [urns.customers, urns.orders].sort());
    const word = await app.ok(`{ suggest(prefix: "items") { urn } }`);
    assert.deepEqual(word.suggest.map((s: { urn: string }) => s.urn), [urns.items]);
    assert.deepEqual((await app.ok(`{ suggest(prefix: "  ") { urn } }`)).suggest, []);
  });

  it('answers hostile and oversized input with sane results or clear errors, never a 500', async () => {
    for (const q of ['"', ':', '*', '(', '\\', `'; DROP TABLE node; --`, '{"query":{"match_all":{}}}', 'a & b | !c', '<script>', '%_%']) {
      const res = await app.gql(SEARCH, { q });
      assert.equal(res.errors, undefined, `${q}: ${JSON.stringify(res.errors)}`);
    }
    const long = await app.gql(SEARCH, { q: 'x'.repeat(10_000) });
    assert.equal(codeOf(long), 'BAD_USER_INPUT');
    assert.match(long.errors![0].message, /at most 200/);
    const cursor = await app.gql(SEARCH, { q: 'customer', after: 'not-a-cursor' });
    assert.equal(codeOf(cursor), 'BAD_USER_INPUT');
    const unknownFacet = await search('customer', { f: { domains: ['no-such-domain'] } });
    assert.equal(unknownFacet.total, 0);
    const badKind = await app.gql(SEARCH, { q: 'x', f: { kinds: ['TABLE'] } });
    assert.equal(codeOf(badKind), 'BAD_USER_INPUT');
    const suggestLong = await app.gql(`query($p: String!) { suggest(prefix: $p) { urn } }`, { p: 'y'.repeat(500) });
    assert.equal(codeOf(suggestLong), 'BAD_USER_INPUT');
    assert.equal((await app.gql(`{ suggest(prefix: "%") { urn } }`)).errors, undefined);
  });
});

describe('deferred search signals', () => {
  it("gathers a dataset's new versions and reads into one rebuild of its document once the window has passed", async () => {
    const quiet = await startTestApp({ PEDIGREE_SEARCH_INDEXER: 'false' });
    try {
      const indexer = quiet.running.app.get(SearchIndexer);
      const find = async (q: string) => (await quiet.ok(SEARCH, { q })).search.hits.map((h: { entity: { urn: string } }) => h.entity.urn);
      const d = await dataset(quiet, 'public.glaciers', { description: 'Glacier measurements.' });
      await indexer.drain();
      const v1 = await datasetVersion(quiet, d, { columns: [{ name: 'ice_thickness', type: 'int' }] });
      const v2 = await datasetVersion(quiet, d, { columns: [{ name: 'ice_thickness', type: 'int' }] });
      await run(quiet, 'glacier-read-1', { inputs: [v1] });
      await run(quiet, 'glacier-read-2', { inputs: [v2] });
      const [{ id }] = await quiet.db.query<{ id: string }>(`SELECT id::text AS id FROM node WHERE urn = $1`, [d]);
      const deferred = async () => quiet.db.query<{ node: string; n: number }>(
        `SELECT node_id::text AS node, count(*)::int AS n FROM search_outbox WHERE deferred GROUP BY node_id`,
      );
      assert.deepEqual(await deferred(), [{ node: id, n: 4 }], 'two versions and two reads, each enqueued as the dataset itself, deferred');

      // Within the window only immediate entries (the two runs) are taken; the dataset's document waits.
      await indexer.drainOnce(5000, 3600);
      assert.deepEqual(await deferred(), [{ node: id, n: 4 }]);
      assert.deepEqual(await find('ice thickness'), [], 'the new columns are not indexed before the window has passed');
      assert.equal((await find('glacier read 2'))[0], 'urn:pedigree:run:glacier-read-2', 'new runs are searchable at once');

      // Once due, all of the dataset's entries go in one batch and its document has both changes.
      assert.equal(await indexer.drainOnce(5000, 0), 4);
      assert.deepEqual(await deferred(), []);
      assert.deepEqual(await find('ice thickness'), [d]);
      const [doc] = await quiet.db.query<{ usage: number }>(`SELECT usage FROM search_document WHERE node_id = $1`, [id]);
      assert.equal(doc.usage, 2, 'both reads count');
    } finally {
      await quiet.close();
    }
  });
});

describe('usage signals', () => {
  it('counts the deployments a model and each of its versions serve now, in PostgreSQL', async () => {
    const quiet = await startTestApp({ PEDIGREE_SEARCH_INDEXER: 'false' });
    try {
      const m = await model(quiet, 'usage-model');
      const [v1, v2] = [await modelVersion(quiet, m, {}), await modelVersion(quiet, m, {})];
      const [a, b] = [await deployment(quiet, 'usage-a'), await deployment(quiet, 'usage-b')];
      const revise = (dep: string, validFrom: string, traffic: [string, number][]) =>
        quiet.ok(`mutation($i: ReviseDeploymentInput!) { reviseDeployment(input: $i) { urn } }`, {
          i: { deploymentUrn: dep, validFrom, traffic: traffic.map(([modelVersionUrn, trafficShare]) => ({ modelVersionUrn, trafficShare })) },
        });
      const hour = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
      await revise(a, hour(3), [[v1, 1]]);
      await revise(a, hour(2), [[v2, 1]]); // a no longer serves v1
      await revise(b, hour(1), [[v1, 0.9], [v2, 0.1]]);
      await quiet.running.app.get(SearchIndexer).drain();
      const usage = async (urn: string) =>
        (await quiet.db.query<{ usage: number }>(`SELECT usage FROM search_document WHERE urn = $1`, [urn]))[0]?.usage;
      assert.equal(await usage(m), 2, 'two deployments serve some version of the model');
      assert.equal(await usage(v1), 1, 'only b still serves v1');
      assert.equal(await usage(v2), 2);
      assert.equal(await usage(await model(quiet, 'usage-unserved')), undefined, 'not indexed before a drain');
    } finally {
      await quiet.close();
    }
  });
});

describe('reindex', () => {
  it('rebuilds every document from the catalog and removes the ones nothing backs any more (npm run reindex)', async () => {
    await app.db.query(`DELETE FROM search_document WHERE urn = $1`, [urns.customers]);
    await app.db.query(
      `INSERT INTO search_document (node_id, kind, urn, name, words, tsv) VALUES (999999999, 'dataset', 'urn:pedigree:dataset:gone', 'gone', 'gone', to_tsvector('gone'))`,
    );
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(__dirname, '..', 'src', 'search', 'reindex-cli.js')], {
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: app.database.url, LOG_LEVEL: 'silent' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
    assert.equal(out.code, 0, out.stderr);
    const searchable = await app.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM node WHERE kind IN ('dataset','feature_view','model','model_version','run','deployment','code_version')`,
    );
    const [{ n: nodes }] = await app.db.query<{ n: string }>(`SELECT count(*) AS n FROM node`);
    assert.match(out.stdout, new RegExp(`reindexed ${searchable[0].n} documents from ${nodes} nodes .* removed 1 stale`));
    assert.equal((await top('customers'))[0], urns.customers);
    assert.deepEqual(await top('gone'), []);
  });
});

describe('search with ELASTICSEARCH_URL set and the cluster down', () => {
  it('starts, answers searches with a retryable UNAVAILABLE error, and keeps every change in the outbox', async () => {
    const es = await startTestApp({ ELASTICSEARCH_URL: 'http://127.0.0.1:9' });
    try {
      const urn = await dataset(es, 'public.while_down', { description: 'Written while the search cluster is down.' });
      const res = await es.gql(SEARCH, { q: 'while down' });
      assert.equal(codeOf(res), 'UNAVAILABLE', JSON.stringify(res.errors));
      assert.match(res.errors![0].message, /Elasticsearch is unavailable/);
      assert.equal(codeOf(await es.gql(`{ suggest(prefix: "while") { urn } }`)), 'UNAVAILABLE');
      const waiting = await es.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM search_outbox o JOIN node n ON n.id = o.node_id WHERE n.urn = $1`,
        [urn],
      );
      assert.ok(Number(waiting[0].n) >= 1, 'the change waits in the outbox for the cluster to come back');
    } finally {
      await es.close();
    }
  });
});
