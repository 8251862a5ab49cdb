/**
 * The authorization matrix: four personas × entities in two domains, with and without PII × every read path
 * (entity, list, search, lineage, prediction) and every kind of write (GraphQL mutations, HTTP ingestion,
 * administration), asserting allowed / denied / redacted for each cell. Compliance reports are issue 8's and
 * join this matrix when they exist.
 *
 * Personas: admin; a data scientist in team-a (policies: read everything, readData/write/approve on their own
 * team's entities, but never read hr PII); a business analyst (reader role: metadata only); an external
 * service account limited to ingestion (ingester role).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, codeOf, GqlResult, issueKey, startTestApp, TestApp } from './support/harness';
import { dataset, datasetVersion, deployment, model, modelVersion, run } from './support/catalog';
import { pedigreeEvent } from './support/events';
import { HOUR, jsonLines, NDJSON, uuidv7 } from './support/predictions';
import { SearchIndexer } from '../src/search/search-indexer';

type Persona = 'admin' | 'scientist' | 'analyst' | 'ingester';
type Cell = 'sales_plain' | 'sales_pii' | 'hr_plain' | 'hr_pii';
const PERSONAS: Persona[] = ['admin', 'scientist', 'analyst', 'ingester'];
const CELLS: Cell[] = ['sales_plain', 'sales_pii', 'hr_plain', 'hr_pii'];

/** Who may read each cell's metadata, and whose reads show its data (locations). */
const READS: Record<Persona, Cell[]> = {
  admin: CELLS,
  scientist: ['sales_plain', 'sales_pii', 'hr_plain'],
  analyst: CELLS,
  ingester: [],
};
const DATA: Record<Persona, Cell[]> = { admin: CELLS, scientist: ['sales_plain', 'sales_pii'], analyst: [], ingester: [] };

let app: TestApp;
const key: Record<Persona, string> = { admin: ADMIN_KEY, scientist: '', analyst: '', ingester: '' };
const ds = {} as Record<Cell, string>;
const dv = {} as Record<Cell, string>;
let joinRun: string;
const deployments = {} as Record<'sales' | 'hr', string>;
const predictions = {} as Record<'sales' | 'hr', string>;

const owner = (c: Cell) => (c.startsWith('sales') ? { domain: 'sales', ownerTeam: 'team-a' } : { domain: 'hr', ownerTeam: 'team-b' });
const policy = (input: Record<string, unknown>) => app.ok(`mutation($i: PolicyInput!) { putAccessPolicy(input: $i) { id } }`, { i: input });

before(async () => {
  app = await startTestApp({ PEDIGREE_AUTH_CACHE_SECONDS: '0' });
  key.scientist = await issueKey(app, 'scientist', [], ['team-a']);
  key.analyst = await issueKey(app, 'analyst', ['READER'], ['biz']);
  key.ingester = await issueKey(app, 'ingester', ['INGESTER'], []);
  await policy({ name: 'team-a-browse', effect: 'ALLOW', actions: ['READ'], teams: ['team-a'] });
  await policy({ name: 'team-a-own', effect: 'ALLOW', actions: ['READ_DATA', 'WRITE', 'APPROVE'], teams: ['team-a'], ownerTeams: ['$callerTeams'] });
  await policy({ name: 'no-foreign-pii', effect: 'DENY', actions: ['READ', 'READ_DATA'], teams: ['team-a'], domains: ['hr'], classifications: ['PII'] });
  for (const c of CELLS) {
    ds[c] = await dataset(app, `mx_${c}`, { ...owner(c), classifications: c.endsWith('pii') ? ['PII'] : [], description: `matrix ${c}` });
    dv[c] = await datasetVersion(app, ds[c], { locationUri: `s3://lake/mx_${c}` });
  }
  joinRun = await run(app, 'mx-join', { inputs: CELLS.map((c) => dv[c]), ownerTeam: 'team-a', domain: 'sales', status: 'COMPLETED' });
  const mv = await modelVersion(app, await model(app, 'mx-model', { ownerTeam: 'team-a', domain: 'sales' }), { trainedByRunUrn: joinRun });
  const now = Date.now();
  for (const d of ['sales', 'hr'] as const) {
    deployments[d] = await deployment(app, `mx-${d}-api`, { domain: d, ownerTeam: d === 'sales' ? 'team-a' : 'team-b' });
    await app.ok(`mutation($i: ReviseDeploymentInput!) { reviseDeployment(input: $i) { urn } }`, {
      i: { deploymentUrn: deployments[d], traffic: [{ modelVersionUrn: mv, trafficShare: 1 }], validFrom: new Date(now - 2 * HOUR).toISOString() },
    });
    predictions[d] = uuidv7(now - HOUR);
    const res = await app.post('/api/v1/predictions', jsonLines([{ predictionId: predictions[d], deployment: deployments[d], timestamp: now - HOUR, input: { salary: 1 }, output: { y: 1 } }]), ADMIN_KEY, NDJSON);
    assert.equal(res.status, 200, res.text);
  }
  await app.running.app.get(SearchIndexer).drain();
});
after(async () => app?.close());

const as = (p: Persona, query: string, variables: Record<string, unknown> = {}): Promise<GqlResult> => app.gql(query, variables, key[p]);

describe('authorization matrix: reads', () => {
  it('entity: readable cells answer (data only with readData), the rest are FORBIDDEN without confirming they exist', async () => {
    for (const p of PERSONAS) {
      for (const c of CELLS) {
        const res = await as(p, `query($u: String!) { dataset(urn: $u) { urn description latestVersion { urn locationUri } } }`, { u: ds[c] });
        const cell = `${p} × ${c}`;
        if (!READS[p].includes(c)) {
          assert.equal(codeOf(res), 'FORBIDDEN', cell);
          assert.equal(res.data?.dataset ?? null, null, cell);
          assert.doesNotMatch(JSON.stringify(res), /matrix|s3:\/\/lake/, `${cell}: nothing of it leaks`);
          continue;
        }
        assert.equal(res.errors, undefined, `${cell}: ${JSON.stringify(res.errors)}`);
        assert.equal(res.data!.dataset.urn, ds[c], cell);
        assert.equal(res.data!.dataset.latestVersion.urn, dv[c], cell);
        assert.equal(res.data!.dataset.latestVersion.locationUri, DATA[p].includes(c) ? `s3://lake/mx_${c}` : null, `${cell}: location`);
      }
    }
    // A restricted caller gets the same answer for a hidden entity and for one that does not exist.
    const hidden = await as('scientist', `query($u: String!) { dataset(urn: $u) { urn } }`, { u: ds.hr_pii });
    const missing = await as('scientist', `query($u: String!) { dataset(urn: $u) { urn } }`, { u: `${ds.hr_pii}_nope` });
    assert.equal(codeOf(missing), 'FORBIDDEN');
    assert.equal(missing.errors![0].message.replace('_nope', ''), hidden.errors![0].message);
    // Unrestricted readers learn plainly that something is missing: there is nothing to hide from them.
    assert.equal(codeOf(await as('analyst', `query($u: String!) { dataset(urn: $u) { urn } }`, { u: `${ds.hr_pii}_nope` })), 'NOT_FOUND');
  });

  it('list: pages hold exactly the readable cells (the scope is in the SQL, so pages are full)', async () => {
    for (const p of PERSONAS) {
      const res = await as(p, `{ datasets(first: 2, filter: { namePrefix: "mx_" }) { edges { node { urn } } pageInfo { hasNextPage endCursor } } }`);
      if (p === 'ingester') {
        assert.equal(codeOf(res), 'FORBIDDEN');
        continue;
      }
      assert.equal(res.data!.datasets.edges.length, 2, `${p}: a full first page`);
      const rest = await as(p, `query($a: String) { datasets(first: 50, after: $a, filter: { namePrefix: "mx_" }) { edges { node { urn } } } }`, {
        a: res.data!.datasets.pageInfo.endCursor,
      });
      const seen = [...res.data!.datasets.edges, ...rest.data!.datasets.edges].map((e: any) => e.node.urn).sort();
      assert.deepEqual(seen, READS[p].map((c) => ds[c]).sort(), p);
    }
  });

  it('search: hits, totals and facets count only readable cells', async () => {
    for (const p of PERSONAS) {
      const res = await as(p, `{ search(query: "mx", filter: { kinds: [DATASET] }, first: 20) { total hits { entity { ... on Dataset { urn } } } facets { domains { value count } classifications { value count } } } }`);
      if (p === 'ingester') {
        assert.equal(codeOf(res), 'FORBIDDEN');
        continue;
      }
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      const urns = res.data!.search.hits.map((h: any) => h.entity.urn).sort();
      assert.deepEqual(urns, READS[p].map((c) => ds[c]).sort(), p);
      assert.equal(res.data!.search.total, READS[p].length, `${p}: total`);
      const pii = res.data!.search.facets.classifications.find((f: any) => f.value === 'PII')?.count ?? 0;
      assert.equal(pii, READS[p].filter((c) => c.endsWith('pii')).length, `${p}: PII facet`);
      const suggestions = await as(p, `{ suggest(prefix: "mx_hr_p") { name } }`);
      assert.deepEqual(suggestions.data!.suggest.map((s: any) => s.name).filter((n: string) => n.startsWith('mx_hr_pii')).length > 0, READS[p].includes('hr_pii'), `${p}: suggest`);
    }
  });

  it('lineage: unreadable nodes stay as placeholders (kind only), so every path is there and no name leaks', async () => {
    const shape = `{ nodes { id kind urn name redacted } edges { fromId toId from to } }`;
    const full = (await as('admin', `query($u: String!) { lineage(urn: $u, direction: BOTH, depth: 3) ${shape} }`, { u: joinRun })).data!.lineage;
    for (const p of PERSONAS) {
      const res = await as(p, `query($u: String!) { lineage(urn: $u, direction: BOTH, depth: 3) ${shape} }`, { u: joinRun });
      if (p === 'ingester') {
        assert.equal(codeOf(res), 'FORBIDDEN');
        continue;
      }
      const g = res.data!.lineage;
      assert.equal(g.nodes.length, full.nodes.length, `${p}: same number of nodes`);
      assert.deepEqual(g.edges.map((e: any) => [e.fromId, e.toId]).sort(), full.edges.map((e: any) => [e.fromId, e.toId]).sort(), `${p}: same edges`);
      for (const c of CELLS) {
        const id = full.nodes.find((n: any) => n.urn === dv[c]).id;
        const node = g.nodes.find((n: any) => n.id === id);
        const readable = READS[p].includes(c);
        assert.equal(node.redacted, !readable, `${p} × ${c}`);
        assert.equal(node.kind, 'DATASET_VERSION');
        assert.equal(node.urn, readable ? dv[c] : null);
        assert.equal(node.name, readable ? `mx_${c}@1` : null);
      }
      if (!READS[p].includes('hr_pii')) assert.doesNotMatch(JSON.stringify(res), /mx_hr_pii/, `${p}: the hidden name appears nowhere`);
    }
    // Starting at a node the caller may not read is refused like reading it.
    assert.equal(codeOf(await as('scientist', `query($u: String!) { lineage(urn: $u) { nodes { id } } }`, { u: dv.hr_pii })), 'FORBIDDEN');
    assert.equal(codeOf(await as('scientist', `query($u: String!) { impact(urn: $u) { root { id } } }`, { u: dv.hr_pii })), 'FORBIDDEN');
    // Entities reached through lineage nodes follow the same rule.
    const entities = await as('scientist', `query($u: String!) { lineage(urn: $u, depth: 1) { nodes { redacted entity { __typename ... on DatasetVersion { urn } } } } }`, { u: joinRun });
    for (const n of entities.data!.lineage.nodes) assert.equal(n.entity === null, n.redacted);
  });

  it('prediction: metadata with read on its deployment, payloads only with readData on it', async () => {
    const expect: Record<Persona, Record<'sales' | 'hr', 'payload' | 'metadata' | 'denied'>> = {
      admin: { sales: 'payload', hr: 'payload' },
      scientist: { sales: 'payload', hr: 'metadata' },
      analyst: { sales: 'metadata', hr: 'metadata' },
      ingester: { sales: 'denied', hr: 'denied' },
    };
    for (const p of PERSONAS) {
      for (const d of ['sales', 'hr'] as const) {
        const res = await as(p, `query($id: String!) { prediction(id: $id) { id deployment { urn } input output } }`, { id: predictions[d] });
        const cell = `${p} × ${d}`;
        if (expect[p][d] === 'denied') {
          assert.equal(codeOf(res), 'FORBIDDEN', cell);
          assert.equal(res.data ?? null, null);
          continue;
        }
        assert.equal(res.data!.prediction.deployment.urn, deployments[d], cell);
        if (expect[p][d] === 'payload') {
          assert.equal(res.errors, undefined, cell);
          assert.deepEqual(res.data!.prediction.input, { salary: 1 }, cell);
        } else {
          assert.equal(res.data!.prediction.input, null, cell);
          assert.deepEqual(res.errors!.map((e: any) => [e.extensions.code, e.path.join('.')]).sort(), [['FORBIDDEN', 'prediction.input'], ['FORBIDDEN', 'prediction.output']], cell);
        }
      }
    }
  });
});

describe('authorization matrix: writes', () => {
  const register = (p: Persona, name: string, extra: Record<string, unknown>) =>
    as(p, `mutation($i: RegisterDatasetInput!) { registerDataset(input: $i) { urn ownerTeam } }`, { i: { namespace: 'postgres://warehouse', name, ...extra } });

  it('registering in a domain: admin anywhere, the scientist in their own team only, analyst and ingester nowhere', async () => {
    const expect: Record<Persona, [boolean, boolean]> = { admin: [true, true], scientist: [true, false], analyst: [false, false], ingester: [false, false] };
    for (const p of PERSONAS) {
      const [own, other] = await Promise.all([register(p, `w_${p}_a`, owner('sales_plain')), register(p, `w_${p}_b`, owner('hr_plain'))]);
      assert.equal(codeOf(own), expect[p][0] ? undefined : 'FORBIDDEN', `${p} × team-a`);
      assert.equal(codeOf(other), expect[p][1] ? undefined : 'FORBIDDEN', `${p} × team-b`);
    }
    const stored = await app.db.query<{ name: string }>(`SELECT name FROM node WHERE name LIKE 'w\\_%' ORDER BY name`);
    assert.deepEqual(stored.map((r) => r.name), ['w_admin_a', 'w_admin_b', 'w_scientist_a'], 'refused writes left nothing behind');
  });

  it('cannot take over an entity (its current owner is checked too), nor version, nor refer to what it cannot read', async () => {
    const takeover = await register('scientist', 'mx_hr_plain', { ownerTeam: 'team-a', domain: 'sales' });
    assert.equal(codeOf(takeover), 'FORBIDDEN');
    const [row] = await app.db.query<{ owner_team: string }>(`SELECT owner_team FROM node WHERE urn = $1`, [ds.hr_plain]);
    assert.equal(row.owner_team, 'team-b');
    const version = (u: string) => as('scientist', `mutation($u: String!) { registerDatasetVersion(input: { datasetUrn: $u }) { urn } }`, { u });
    assert.equal(codeOf(await version(ds.sales_plain)), undefined);
    assert.equal(codeOf(await version(ds.hr_plain)), 'FORBIDDEN');
    const refer = (u: string) => as('scientist', `mutation($u: String!) { registerRun(input: { runId: "mx-probe", kind: TRAINING, ownerTeam: "team-a", inputs: [$u] }) { urn } }`, { u });
    const hidden = await refer(dv.hr_pii);
    const missing = await refer(`${dv.hr_pii}9`);
    assert.equal(codeOf(hidden), 'NOT_FOUND', 'a hidden reference is "not in the catalog"');
    assert.equal(hidden.errors![0].message, missing.errors![0].message.replace(`${dv.hr_pii}9`, dv.hr_pii));
  });

  it('HTTP ingestion: admin and the ingestion account may post events, the others are FORBIDDEN', async () => {
    const expect: Record<Persona, number> = { admin: 200, ingester: 200, scientist: 403, analyst: 403 };
    for (const p of PERSONAS) {
      const body = [pedigreeEvent('dataset.profiled', { dataset: { namespace: 'warehouse', name: `mx_ingested_${p}` }, statistics: { rowCount: 1 } })];
      const res = await app.post('/api/v1/events', body, key[p]);
      assert.equal(res.status >= 200 && res.status < 300 ? 200 : res.status, expect[p], `${p}: ${res.text}`);
    }
  });

  it('administration and the audit log are the admin’s (and auditors’)', async () => {
    for (const p of ['scientist', 'analyst', 'ingester'] as Persona[]) {
      assert.equal(codeOf(await as(p, `mutation { putAccessPolicy(input: { name: "sneaky", effect: ALLOW, actions: [ADMIN], principals: ["${p}"] }) { id } }`)), 'FORBIDDEN', p);
      assert.equal(codeOf(await as(p, `{ auditLog { edges { cursor } } }`)), 'FORBIDDEN', p);
      assert.equal(codeOf(await as(p, `{ accessPolicies { name } }`)), 'FORBIDDEN', p);
    }
    // Every denial above, and those of the read matrix, is in the audit log.
    const denied = await app.ok(`{ auditLog(first: 500, filter: { principal: "scientist", outcome: "denied" }) { edges { node { action target } } } }`);
    const targets = denied.auditLog.edges.map((e: any) => e.node.target);
    assert.ok(targets.includes(ds.hr_pii), 'the refused read of hr PII');
    assert.ok(denied.auditLog.edges.some((e: any) => e.node.action === 'admin'), 'the refused policy change');
  });
});

describe('field restrictions and query tricks', () => {
  it('a field-restricted policy withholds the other fields whatever the alias; introspection shows types, not values', async () => {
    const contractor = await issueKey(app, 'contractor', [], ['contractors']);
    await policy({ name: 'contractor-fields', effect: 'ALLOW', actions: ['READ'], teams: ['contractors'], domains: ['sales'], fields: ['name', 'description'] });
    const res = await app.gql(
      `query($u: String!) { dataset(urn: $u) { urn name description a: ownerTeam b: ownerTeam ...F latestVersion { urn } } __type(name: "Dataset") { fields { name } } }
       fragment F on Dataset { c: ownerTeam domain }`,
      { u: ds.sales_plain },
      contractor,
    );
    const d = res.data!.dataset;
    assert.equal(d.name, 'mx_sales_plain');
    assert.equal(d.description, 'matrix sales_plain');
    assert.deepEqual([d.a, d.b, d.c, d.domain, d.latestVersion], [null, null, null, null, null]);
    assert.ok(res.data!.__type.fields.some((f: any) => f.name === 'ownerTeam'), 'the schema is public; the values are not');
    assert.equal(codeOf(await app.gql(`query($u: String!) { dataset(urn: $u) { name } }`, { u: ds.hr_plain }, contractor)), 'FORBIDDEN');
  });

  it('policy condition values are data, never SQL', async () => {
    const injector = await issueKey(app, 'injector', [], ['injectors']);
    await policy({ name: 'injection', effect: 'ALLOW', actions: ['READ'], teams: ['injectors'], domains: ["sales' OR '1'='1", 'x") OR true --'] });
    const list = await app.gql(`{ datasets(first: 50) { edges { node { urn } } } }`, {}, injector);
    assert.deepEqual(list.data!.datasets.edges, []);
    const found = await app.gql(`{ search(query: "mx") { total } }`, {}, injector);
    assert.equal(found.data!.search.total, 0);
  });
});
