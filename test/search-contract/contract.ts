/**
 * The search adapter contract: what every SearchIndex must do, whatever stores it. Run for real on
 * PostgreSQL by `search-contract-postgres.test.ts`, and on Elasticsearch by
 * `search-contract-elasticsearch.test.ts` when ELASTICSEARCH_URL names a cluster (`npm run test:search`).
 * Each suite gets an empty index, applies CORPUS, and asks questions through the port only.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SearchDocument } from '../../src/catalog/search/search-documents.service';
import { AccessScope, SearchFilterInput, SearchIndex, searchWords } from '../../src/search/search-index.port';
import { byName, CORPUS, version, versionNow } from './corpus';

export function searchContract(adapter: string, open: () => Promise<SearchIndex>): void {
  describe(`search adapter contract: ${adapter}`, () => {
    let index: SearchIndex;
    before(async () => {
      index = await open();
      await index.init();
      await index.apply(CORPUS);
    });

    const search = (text: string, extra: { filter?: SearchFilterInput; access?: AccessScope; offset?: number; limit?: number } = {}) =>
      index.search({ words: searchWords(text), text, filter: extra.filter ?? {}, offset: extra.offset ?? 0, limit: extra.limit ?? 20, access: extra.access });
    const names = async (text: string, extra: Parameters<typeof search>[1] = {}) => {
      const r = await search(text, extra);
      return r.hits.map((h) => CORPUS.find((d) => d.nodeId === h.nodeId)?.name ?? `?${h.nodeId}`);
    };
    const facet = (r: Awaited<ReturnType<typeof search>>, name: keyof Awaited<ReturnType<typeof search>>['facets']) =>
      Object.fromEntries(r.facets[name].map((f) => [f.value, f.count]));

    it('ranks the exact name first, then name prefixes, then column and description matches', async () => {
      const hits = await names('public.customers');
      assert.equal(hits[0], 'public.customers', JSON.stringify(hits));
      const customers = await names('customers');
      assert.ok(customers.includes('public.payments_eu'), JSON.stringify(customers));
      assert.ok(customers.indexOf('public.customer_orders') < customers.indexOf('public.payments_eu'), 'a name match beats a description mention');
      assert.equal((await names('customer ord'))[0], 'public.customer_orders');
    });

    it('splits snake_case and camelCase and tolerates a typo', async () => {
      assert.equal((await names('order items'))[0], 'public.orderItems');
      assert.equal((await names('payments eu'))[0], 'public.payments_eu');
      assert.ok((await names('custmer')).includes('public.customers'));
      assert.deepEqual(await names('shipping address'), ['public.ledger']);
    });

    it('highlights the matched words', async () => {
      const r = await search('shipping');
      const columns = r.hits[0].highlights.find((h) => h.field === 'columns');
      assert.match(columns?.fragment ?? '', /<mark>shipping<\/mark>/, JSON.stringify(r.hits[0].highlights));
    });

    it('counts facets over every match, filters by them, and answers unknown facet values with nothing', async () => {
      const all = await search('customer');
      assert.equal(all.total, all.hits.length);
      assert.equal(facet(all, 'classifications').PII, 2);
      assert.equal(facet(all, 'platforms').s3, 1);
      assert.equal(facet(all, 'kinds').dataset, all.hits.filter((h) => CORPUS.find((d) => d.nodeId === h.nodeId)!.kind === 'dataset').length);
      assert.deepEqual(await names('customer', { filter: { domains: ['finance'] } }), ['public.payments_eu']);
      assert.deepEqual(await names('customer', { filter: { kinds: ['model'] } }), ['churn-predictor']);
      assert.deepEqual(await names('customer', { filter: { tags: ['gold'], platforms: ['postgres'] } }).then((n) => n.sort()), ['public.customers', 'public.payments_eu']);
      const none = await search('customer', { filter: { domains: ['no such domain'] } });
      assert.equal(none.total, 0);
      assert.deepEqual(none.facets.kinds, []);
    });

    it('pages without gaps or repeats, and browses by usage when there are no words', async () => {
      const whole = await names('', { limit: 20 });
      assert.equal(whole.length, CORPUS.length);
      assert.deepEqual(whole.slice(0, 3), ['public.customers', 'churn-predictor', 'public.payments_eu']);
      const pages = [...(await names('', { limit: 3 })), ...(await names('', { offset: 3, limit: 3 })), ...(await names('', { offset: 6, limit: 3 }))];
      assert.deepEqual(pages, whole);
    });

    it('shows only what the access scope allows, with true totals and facets', async () => {
      const sales = await search('customer', { access: { allow: [{ domains: ['sales'] }], deny: [] } });
      assert.ok(sales.hits.length > 0);
      for (const h of sales.hits) assert.equal(CORPUS.find((d) => d.nodeId === h.nodeId)!.domain, 'sales');
      assert.equal(sales.total, sales.hits.length);
      assert.equal(facet(sales, 'domains').finance, undefined);
      const noPii = await search('customer', { access: { allow: [{}], deny: [{ classifications: ['PII'] }] } });
      assert.ok(!noPii.hits.some((h) => h.nodeId === byName('public.customers') || h.nodeId === byName('raw/customers_export')));
      assert.equal(facet(noPii, 'classifications').PII, undefined);
      const either = await names('', { access: { allow: [{ ownerTeams: ['payments'] }, { kinds: ['model'], domains: ['sales'] }], deny: [] } });
      assert.deepEqual(either.sort(), ['churn-predictor', 'public.payments_eu']);
      const nothing = await search('', { access: { allow: [], deny: [] } });
      assert.equal(nothing.total, 0);
      // A grant on single entities (an approved access request) names them by URN.
      const one = CORPUS.find((d) => d.nodeId === byName('public.payments_eu'))!;
      const granted = await names('', { access: { allow: [{ urns: [one.urn] }], deny: [] } });
      assert.deepEqual(granted, ['public.payments_eu']);
      const suggestions = await index.suggest({ words: ['cust'], prefix: 'cust', limit: 10, access: { allow: [{ domains: ['finance'] }], deny: [] } });
      assert.deepEqual(suggestions, []);
    });

    it('treats query syntax and injection attempts as words', async () => {
      for (const text of [`"customers`, 'name:customers', 'cust*', '(customers', 'customers\\', `'; DROP TABLE search_document; --`, '{"match_all":{}}']) {
        const r = await search(text);
        assert.ok(r.total <= CORPUS.length, text);
      }
      assert.equal((await names('"public.customers"'))[0], 'public.customers');
      assert.equal((await names('public.customers\\'))[0], 'public.customers');
      assert.equal((await search('{"match_all":{}}')).total, 0, 'DSL in the query is text, not a query');
    });

    it('suggests names starting with the prefix, then names with a word starting with it', async () => {
      const s = await index.suggest({ words: ['public', 'cust'], prefix: 'public.cust', limit: 10 });
      assert.deepEqual(s.map((x) => x.name).sort(), ['public.customer_orders', 'public.customers']);
      const word = await index.suggest({ words: ['cust'], prefix: 'cust', limit: 10 });
      assert.equal(word[0].name, 'customer_features', 'a name starting with the prefix comes first');
      assert.ok(word.some((x) => x.name === 'public.customers'));
      assert.equal((await index.suggest({ words: ['cust'], prefix: 'cust', limit: 2 })).length, 2);
      const hit = word.find((x) => x.name === 'public.customers')!;
      assert.deepEqual(hit, { nodeId: byName('public.customers'), kind: 'dataset', urn: 'urn:pedigree:dataset:public.customers', name: 'public.customers' });
    });

    it('never lets an older document replace a newer one', async () => {
      const ledger = CORPUS.find((d) => d.name === 'public.ledger')!;
      await index.apply([{ ...ledger, description: 'General ledger, restated.', version: version(10) }]);
      await index.apply([{ ...ledger, description: 'Stale text from a slow indexer.', version: version(5) }]);
      assert.equal((await search('restated')).total, 1);
      assert.equal((await search('stale slow indexer')).total, 0);
      await index.apply([{ ...ledger, version: version(20) }]);
      assert.equal((await search('restated')).total, 0);
    });

    it('rebuilds without downtime: stale documents leave, changes made meanwhile stay', async () => {
      const rebuild = await index.beginRebuild();
      const keep = CORPUS.filter((d) => d.name !== 'public.orderItems').map((d) => ({ ...d, version: versionNow() }));
      await rebuild.apply(keep);
      assert.equal((await search('order items')).hits[0]?.nodeId, byName('public.orderItems'), 'searches answer from the live content meanwhile');
      const late: SearchDocument = { ...CORPUS[0], nodeId: '99', name: 'late_arrival', urn: 'urn:pedigree:dataset:late_arrival', version: versionNow(1) };
      await index.apply([late]);
      const { removed } = await rebuild.finish();
      assert.equal(removed, 1);
      assert.ok(!(await names('order items')).includes('public.orderItems'));
      assert.deepEqual((await search('late arrival')).hits.map((h) => h.nodeId), ['99']);
      assert.equal((await search('')).total, CORPUS.length);
    });
  });
}
