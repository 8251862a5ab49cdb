import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, codeOf, startTestApp, TestApp } from './support/harness';
import { dataset, datasetVersion } from './support/catalog';

let app: TestApp;
before(async () => {
  app = await startTestApp({ GRAPHQL_MAX_DEPTH: '8', GRAPHQL_MAX_COMPLEXITY: '2000' });
  const ds = await dataset(app, 'limits.table');
  await datasetVersion(app, ds);
});
after(async () => app?.close());

async function post(body: string, contentType = 'application/json'): Promise<{ status: number; body: any }> {
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${ADMIN_KEY}` },
    body,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep the text for the assertion message */
  }
  return { status: res.status, body: parsed };
}

describe('query limits', () => {
  it('refuses a query nested deeper than GRAPHQL_MAX_DEPTH', async () => {
    const deep = `{ datasets { edges { node { latestVersion { dataset { latestVersion { dataset { latestVersion { urn } } } } } } } } }`;
    const res = await app.gql(deep);
    assert.equal(codeOf(res), 'BAD_USER_INPUT');
    assert.match(res.errors![0].message, /depth \d+ exceeds the maximum of 8/);
    const shallow = await app.gql(`{ datasets { edges { node { latestVersion { urn } } } } }`);
    assert.equal(shallow.errors, undefined);
  });

  it('counts depth through fragments, and a fragment cycle cannot loop the server', async () => {
    const viaFragment = `query { datasets { ...D } } fragment D on DatasetConnection { edges { node { latestVersion { dataset { latestVersion { dataset { latestVersion { urn } } } } } } } }`;
    assert.equal(codeOf(await app.gql(viaFragment)), 'BAD_USER_INPUT');
    const cycle = `query { datasets { ...A } } fragment A on DatasetConnection { ...B } fragment B on DatasetConnection { ...A }`;
    assert.equal(codeOf(await app.gql(cycle)), 'BAD_USER_INPUT');
  });

  it('refuses a query whose complexity (page sizes × fields) exceeds GRAPHQL_MAX_COMPLEXITY', async () => {
    const big = `{ datasets(first: 500) { edges { node { urn versions(first: 500) { edges { node { urn columns { name } } } } } } } }`;
    const res = await app.gql(big);
    assert.equal(codeOf(res), 'BAD_USER_INPUT');
    assert.match(res.errors![0].message, /complexity \d+ exceeds the maximum of 2000/);
    assert.equal(res.status, 400);
    const fine = await app.gql(`{ datasets(first: 20) { edges { node { urn } } } }`);
    assert.equal(fine.errors, undefined);
  });

  it('counts aliases: many copies of one field are as costly as they look', async () => {
    const aliases = Array.from({ length: 60 }, (_, i) => `a${i}: datasets(first: 50) { edges { node { urn } } }`).join(' ');
    assert.equal(codeOf(await app.gql(`{ ${aliases} }`)), 'BAD_USER_INPUT');
  });
});

describe('malformed requests', () => {
  it('answers malformed JSON, a non-JSON body and a syntax error with BAD_USER_INPUT-style errors, not stacks', async () => {
    const broken = await post('{"query": "{ me { name } }"');
    assert.equal(broken.status, 400);
    assert.equal(broken.body.error.code, 'BAD_USER_INPUT');
    assert.ok(!/\bat \S+ \(|node_modules/.test(JSON.stringify(broken.body)), JSON.stringify(broken.body));
    const syntax = await app.gql(`{ me { name `);
    assert.equal(codeOf(syntax), 'BAD_USER_INPUT');
    const unknownField = await app.gql(`{ me { password } }`);
    assert.equal(codeOf(unknownField), 'BAD_USER_INPUT');
    const missingVar = await app.gql(`query($u: String!) { dataset(urn: $u) { urn } }`, {});
    assert.equal(codeOf(missingVar), 'BAD_USER_INPUT');
  });

  it('refuses a body over the size limit with 413 and keeps serving', async () => {
    const huge = JSON.stringify({ query: `{ me { name } }`, variables: { pad: 'x'.repeat(3 * 1024 * 1024) } });
    const res = await post(huge);
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, 'BAD_USER_INPUT');
    assert.match(res.body.error.message, /too large/i);
    assert.equal((await app.ok(`{ me { name } }`)).me.name, 'admin');
  });

  it('maps an unexpected database failure to INTERNAL with a reference, never SQL', async () => {
    await app.db.query(`ALTER TABLE dataset RENAME TO dataset_moved`);
    try {
      const res = await app.gql(`{ datasets { edges { node { urn } } } }`);
      assert.equal(codeOf(res), 'INTERNAL');
      assert.match(res.errors![0].message, /reference [0-9a-f-]{36}/);
      assert.ok(!/dataset_moved|relation|SELECT|does not exist/.test(JSON.stringify(res)), JSON.stringify(res));
    } finally {
      await app.db.query(`ALTER TABLE dataset_moved RENAME TO dataset`);
    }
    assert.equal((await app.ok(`{ datasets { edges { node { urn } } } }`)).datasets.edges.length, 1);
  });
});
