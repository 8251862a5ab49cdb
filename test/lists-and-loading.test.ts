import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { codeOf, startTestApp, TestApp } from './support/harness';
import { dataset, datasetVersion, run } from './support/catalog';

let app: TestApp;
before(async () => {
  // Statements are counted per request: background work (the search indexer's polling, the audit sealer)
  // must not add to them.
  app = await startTestApp({ PEDIGREE_SEARCH_INDEXER: 'false', PEDIGREE_AUDIT_SEAL_INTERVAL_MS: '0' });
  // 120 datasets across two teams and domains, each with two versions written by a run.
  for (let i = 0; i < 120; i++) {
    const urn = await dataset(app, `sales.table_${String(i).padStart(3, '0')}`, {
      ownerTeam: i % 2 ? 'odd-team' : 'even-team',
      domain: i % 3 ? 'sales' : 'finance',
      tags: i % 5 === 0 ? ['gold'] : ['bronze'],
      classifications: i % 4 === 0 ? ['PII'] : [],
    });
    const r = await run(app, `load-${i}`, { kind: 'DATA_PROCESSING', status: 'COMPLETED' });
    await datasetVersion(app, urn);
    await datasetVersion(app, urn, { producedByRunUrn: r });
  }
  await dataset(app, 'other.thing', { ownerTeam: 'odd-team' });
});
after(async () => app?.close());

async function allPages(filter: Record<string, unknown>, first: number): Promise<string[]> {
  const names: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 100; page++) {
    const d: any = await app.ok(`query($f: CatalogFilter, $first: Int, $after: String) {
        datasets(filter: $f, first: $first, after: $after) { edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }`,
      { f: filter, first, after });
    names.push(...d.datasets.edges.map((e: any) => e.node.name));
    if (!d.datasets.pageInfo.hasNextPage) return names;
    after = d.datasets.pageInfo.endCursor;
  }
  throw new Error('pagination did not end');
}

describe('lists', () => {
  it('pages through everything exactly once with cursors', async () => {
    const names = await allPages({}, 7);
    assert.equal(names.length, 121);
    assert.equal(new Set(names).size, 121);
  });

  it('filters by owner team, domain, tag, classification and name prefix, combined', async () => {
    assert.equal((await allPages({ ownerTeam: 'odd-team' }, 50)).length, 61);
    assert.equal((await allPages({ domain: 'finance' }, 50)).length, 40);
    assert.equal((await allPages({ tag: 'gold' }, 50)).length, 24);
    assert.equal((await allPages({ classification: 'PII' }, 50)).length, 30);
    assert.deepEqual(await allPages({ namePrefix: 'sales.table_11' }, 50), Array.from({ length: 10 }, (_, i) => `sales.table_11${i}`));
    assert.deepEqual(await allPages({ namePrefix: 'other' }, 50), ['other.thing']);
    // LIKE wildcards in a prefix are literal characters.
    assert.deepEqual(await allPages({ namePrefix: 'sales%' }, 50), []);
    assert.deepEqual(await allPages({ namePrefix: '_' }, 50), []);
    const both = await allPages({ ownerTeam: 'even-team', classification: 'PII', domain: 'finance' }, 50);
    assert.deepEqual(both, Array.from({ length: 10 }, (_, k) => `sales.table_${String(k * 12).padStart(3, '0')}`));
  });

  it('refuses bad paging arguments', async () => {
    for (const args of ['first: 0', 'first: 501', 'first: -1', 'after: "garbage"', 'after: "djE6YWJj"']) {
      const res = await app.gql(`{ datasets(${args}) { edges { cursor } } }`);
      assert.equal(codeOf(res), 'BAD_USER_INPUT', args);
    }
  });
});

describe('related objects load in batches (DataLoader)', () => {
  const PAGE = `query($first: Int) { datasets(first: $first) { edges { node { urn ownerTeam tags classifications
      latestVersion { urn version columns { name } producedBy { urn runKind codeVersion { urn } } consumedBy { urn } dataset { urn } } } } } }`;

  async function statementsFor(first: number): Promise<number> {
    const before = app.db.statementCount;
    const d = await app.ok(PAGE, { first });
    assert.equal(d.datasets.edges.length, first);
    const bad = d.datasets.edges.filter((e: any) => !(e.node.latestVersion.version === 2 && e.node.latestVersion.producedBy?.urn));
    assert.deepEqual(bad, []);
    return app.db.statementCount - before;
  }

  it('a page of 100 datasets with latest version, producing run, owners and tags costs the same statements as a page of 5', async () => {
    const small = await statementsFor(5);
    const large = await statementsFor(100);
    assert.equal(large, small);
    assert.ok(large <= 12, `expected a small constant number of statements, got ${large}`);
  });
});
