import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildClientSchema, getIntrospectionQuery, GraphQLInputType, GraphQLNamedType, GraphQLSchema, isEnumType, isInputObjectType,
  isListType, isNonNullType, isScalarType, IntrospectionQuery, GraphQLField,
} from 'graphql';
import { ADMIN_KEY, codeOf, startTestApp, TestApp } from './support/harness';
import { issueKey as issueTestKey } from './support/harness';
import { startPedigree } from '../src/app';
import { loadConfig } from '../src/platform/config/config';

let app: TestApp;
let readerKey: string;
let writerKey: string;
let schema: GraphQLSchema;

const issueKey = (name: string, roles: string[]) => issueTestKey(app, name, roles);

before(async () => {
  // This file sends hundreds of bad credentials on purpose; the per-source limit has its own test (access-*.test.ts).
  app = await startTestApp({ PEDIGREE_AUTH_MAX_FAILURES: '100000' });
  readerKey = await issueKey('analyst', ['READER']);
  writerKey = await issueKey('pipeline', ['WRITER']);
  schema = buildClientSchema((await app.ok<IntrospectionQuery>(getIntrospectionQuery())));
});
after(async () => app?.close());

/** A syntactically valid value for any input type (only required fields), so requests pass validation. */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [sample(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).filter((f) => isNonNullType(f.type)).map((f) => [f.name, sample(f.type)]));
  }
  const scalars: Record<string, unknown> = {
    String: 'urn:pedigree:dataset:x/y', ID: '1', Int: 1, Float: 0.5, Boolean: false, DateTime: '2026-01-01T00:00:00Z', JSONObject: {},
  };
  return scalars[(type as GraphQLNamedType).name];
}

function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): { query: string; variables: Record<string, unknown> } {
  const defs = field.args.map((a) => `$${a.name}: ${a.type.toString()}`);
  const args = field.args.map((a) => `${a.name}: $${a.name}`);
  const variables = Object.fromEntries(field.args.filter((a) => isNonNullType(a.type)).map((a) => [a.name, sample(a.type)]));
  const selection = isScalarType(field.type) || isEnumType(field.type) ? '' : '{ __typename }';
  const query = `${kind}${defs.length ? `(${defs.join(', ')})` : ''} { ${field.name}${args.length ? `(${args.join(', ')})` : ''} ${selection} }`;
  return { query, variables };
}

function rootFields(kind: 'query' | 'mutation') {
  const type = kind === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
  return Object.values(type.getFields());
}

describe('authentication', () => {
  it('every query and mutation refuses a request without an API key', async () => {
    const fields = [...rootFields('query').map((f) => ['query', f] as const), ...rootFields('mutation').map((f) => ['mutation', f] as const)];
    assert.ok(fields.length >= 30, `expected the whole API, found ${fields.length} root fields`);
    for (const [kind, field] of fields) {
      const { query, variables } = operationFor(kind, field);
      const res = await app.gql(query, variables, null);
      assert.equal(codeOf(res), 'UNAUTHENTICATED', `${kind} ${field.name}: ${JSON.stringify(res.errors)}`);
      assert.equal(res.data?.[field.name] ?? null, null);
    }
  });

  it('refuses introspection without a key', async () => {
    const res = await app.gql(`{ __schema { types { name } } }`, {}, null);
    assert.equal(codeOf(res), 'UNAUTHENTICATED');
    assert.equal(res.status, 401);
    assert.equal(res.data ?? null, null);
    const typename = await app.gql(`{ __typename }`, {}, null);
    assert.equal(codeOf(typename), 'UNAUTHENTICATED');
  });

  it('answers every bad Authorization header alike, saying how to authenticate but not what was wrong', async () => {
    const cases = ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer pdg_not-a-real-key', `Bearer ${'x'.repeat(600)}`, 'Bearer a.b.c', `Bearer ${'y'.repeat(5000)}`];
    const message = /^Authentication failed: send a valid API key or token as "Authorization: Bearer <credential>"\.$/;
    for (const header of cases) {
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: header },
        body: JSON.stringify({ query: '{ me { name } }' }),
      });
      const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
      assert.equal(body.errors[0].extensions.code, 'UNAUTHENTICATED', header.slice(0, 20));
      assert.match(body.errors[0].message, message);
    }
  });

  it('refuses revoked and expired keys', async () => {
    const key = await issueKey('temp', ['READER']);
    assert.equal((await app.ok(`{ me { name teams } }`, {}, key)).me.name, 'temp');
    const keys = await app.ok(`{ principals { name apiKeys { id lastUsedAt } } }`);
    const tempKey = keys.principals.find((p: any) => p.name === 'temp').apiKeys[0];
    assert.ok(tempKey.lastUsedAt, 'use of a key is recorded');
    await app.ok(`mutation($id: String!) { revokeApiKey(id: $id) { revokedAt } }`, { id: tempKey.id });
    const revoked = await app.gql(`{ me { name } }`, {}, key);
    assert.equal(codeOf(revoked), 'UNAUTHENTICATED', 'a revoked key is refused on the very next request');
    assert.match(revoked.errors![0].message, /^Authentication failed/, 'without saying it was revoked');

    const other = await issueKey('expiring', ['READER']);
    await app.db.query(`UPDATE api_key SET expires_at = now() - interval '1 minute' WHERE principal_id = (SELECT id FROM principal WHERE name = 'expiring')`);
    const expired = await app.gql(`{ me { name } }`, {}, other);
    assert.equal(codeOf(expired), 'UNAUTHENTICATED');
    assert.equal(expired.errors![0].message, revoked.errors![0].message, 'expired and revoked read the same');
    const past = await app.gql(`mutation { createApiKey(input: { principalName: "expiring", name: "x", expiresAt: "2020-01-01T00:00:00Z" }) { key } }`);
    assert.equal(codeOf(past), 'BAD_USER_INPUT');
  });

  it('stores keys only as digests', async () => {
    const rows = await app.db.query<{ row: string }>(`SELECT row_to_json(k)::text AS row FROM api_key k`);
    for (const { row } of rows) {
      assert.ok(!row.includes(ADMIN_KEY) && !row.includes(readerKey.slice(12)) && !row.includes(writerKey.slice(12)));
    }
  });

  it('provisions the admin key idempotently across restarts on the same database', async () => {
    const second = await startPedigree(
      loadConfig({ DATABASE_URL: app.database.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', PEDIGREE_ADMIN_API_KEY: ADMIN_KEY }),
    );
    await second.close();
    const admins = await app.db.query(`SELECT 1 FROM principal WHERE name = 'admin'`);
    const adminKeys = await app.db.query(`SELECT 1 FROM api_key k JOIN principal p ON p.id = k.principal_id WHERE p.name = 'admin'`);
    assert.equal(admins.length, 1);
    assert.equal(adminKeys.length, 1);
  });
});

const ADMIN_ONLY = new Set(['principals', 'deadLetters', 'accessPolicies', 'auditLog', 'verifyAuditLog', 'modelVersionReport', 'predictionReport', 'datasetUsageReport']);
/** Mutations open to readers: asking for access is how a reader gets more of it. */
const READER_MUTATIONS = new Set(['requestAccess']);
/** Queries that expose data (prediction inputs), not only metadata: `readData`, which readers do not hold. */
const READ_DATA = new Set(['replayPrediction', 'explainPrediction']);

describe('authorization by role', () => {
  it('a reader may run every query but no mutation', async () => {
    for (const field of rootFields('mutation')) {
      const { query, variables } = operationFor('mutation', field);
      const res = await app.gql(query, variables, readerKey);
      if (READER_MUTATIONS.has(field.name)) assert.notEqual(codeOf(res), 'FORBIDDEN', field.name);
      else assert.equal(codeOf(res), 'FORBIDDEN', `mutation ${field.name}: ${JSON.stringify(res.errors)}`);
    }
    for (const field of rootFields('query')) {
      const { query, variables } = operationFor('query', field);
      const code = codeOf(await app.gql(query, variables, readerKey));
      // Sample arguments may name nothing (NOT_FOUND) — but access itself is granted, except admin-only queries
      // and those that read data (prediction payloads), which need `readData`.
      if (ADMIN_ONLY.has(field.name) || READ_DATA.has(field.name)) assert.equal(code, 'FORBIDDEN', field.name);
      else assert.ok(code !== 'FORBIDDEN' && code !== 'UNAUTHENTICATED', `query ${field.name}: ${code}`);
    }
    const d = await app.ok(`{ datasets { edges { cursor } } me { name roles } }`, {}, readerKey);
    assert.deepEqual(d.me, { name: 'analyst', roles: ['READER'] });
  });

  it('a writer may register metadata but not manage principals or keys', async () => {
    const ok = await app.gql(`mutation { registerDataset(input: { namespace: "s3://b", name: "w" }) { urn } }`, {}, writerKey);
    assert.equal(ok.errors, undefined);
    for (const name of ['createPrincipal', 'createApiKey', 'revokeApiKey', 'replayDeadLetter']) {
      const field = rootFields('mutation').find((f) => f.name === name)!;
      const { query, variables } = operationFor('mutation', field);
      assert.equal(codeOf(await app.gql(query, variables, writerKey)), 'FORBIDDEN', name);
    }
    assert.equal(codeOf(await app.gql(`{ principals { name } }`, {}, writerKey)), 'FORBIDDEN');
    assert.equal(codeOf(await app.gql(`{ deadLetters { edges { cursor } } }`, {}, writerKey)), 'FORBIDDEN');
    const keys = await app.gql(`{ me { apiKeys { id } } }`, {}, writerKey);
    assert.equal(codeOf(keys), 'FORBIDDEN');
  });
});

describe('HTTP routes', () => {
  it('/health is open; /metrics and GET /graphql need a key', async () => {
    const health = await fetch(`${app.url}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok', checks: { database: 'up' } });
    assert.equal((await fetch(`${app.url}/health/live`)).status, 200);

    const noKey = await fetch(`${app.url}/metrics`);
    assert.equal(noKey.status, 401);
    assert.equal(((await noKey.json()) as any).error.code, 'UNAUTHENTICATED');
    const metrics = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${readerKey}` } });
    assert.equal(metrics.status, 200);
    const text = await metrics.text();
    assert.match(text, /pedigree_http_request_duration_seconds_bucket/);
    assert.match(text, /pedigree_graphql_operations_total/);

    const get = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ me { name } }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    const body = (await get.json()) as any;
    assert.equal(body.errors[0].extensions.code, 'UNAUTHENTICATED');
  });

  it('unknown routes answer 404 with a code, not a stack', async () => {
    const res = await fetch(`${app.url}/nope`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    assert.equal(res.status, 404);
    const body = (await res.json()) as any;
    assert.equal(body.error.code, 'NOT_FOUND');
  });
});
