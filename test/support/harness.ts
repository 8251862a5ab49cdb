/**
 * Test harness: a database per test file, cloned from the migrated template that scripts/run-tests.mjs
 * prepared, and the real application listening on a loopback port. Tests talk to it over HTTP.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startPedigree, RunningApp } from '../../src/app';
import { loadConfig } from '../../src/platform/config/config';
import { Db } from '../../src/platform/database/db';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdefghij';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests with "npm test", which prepares the database.`);
  return value;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function adminQuery<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: env('PEDIGREE_TEST_ADMIN_URL') });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database of this test file's own. */
export async function createTestDatabase(template = env('PEDIGREE_TEST_TEMPLATE')): Promise<TestDatabase> {
  const name = `${env('PEDIGREE_TEST_DB_PREFIX')}${randomBytes(5).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      break;
    } catch (err) {
      // 55006: the template is busy being copied by another test file; try again shortly.
      if ((err as { code?: string }).code !== '55006' || attempt > 50) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const url = new URL(env('PEDIGREE_TEST_ADMIN_URL'));
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: async () => void (await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)) };
}

export interface GqlResult<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; [k: string]: unknown } }[];
}

export interface HttpResult {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export interface TestApp {
  /** POSTs a JSON (or raw string) body to a path with the admin key (or the key given, or none). */
  post(path: string, body: unknown, key?: string | null, contentType?: string): Promise<HttpResult>;
  url: string;
  running: RunningApp;
  db: Db;
  database: TestDatabase;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<GqlResult<T>>;
  /** Runs a query that must succeed and returns its data. */
  ok<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<T>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Share another app's database instead of cloning a fresh one (it is not dropped on close). */
  database?: TestDatabase;
  /** Rewrites the database URL the service connects with (e.g. through a TCP proxy). */
  connectVia?: (url: string) => string;
}

export async function startTestApp(overrides: Record<string, string> = {}, options: StartOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const ownsDatabase = !options.database;
  const config = loadConfig({
    DATABASE_URL: options.connectVia ? options.connectVia(database.url) : database.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    PEDIGREE_ADMIN_API_KEY: ADMIN_KEY,
    DATABASE_POOL_SIZE: '25',
    ...overrides,
  });
  const running = await startPedigree(config);
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}, key: string | null = ADMIN_KEY): Promise<GqlResult<T>> => {
    const res = await fetch(`${running.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as GqlResult<T>;
    return { ...body, status: res.status };
  };
  return {
    url: running.url,
    running,
    db: running.app.get(Db),
    database,
    gql,
    async post(path: string, body: unknown, key: string | null = ADMIN_KEY, contentType = 'application/json') {
      const res = await fetch(`${running.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': contentType, ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: typeof body === 'string' ? body : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
      });
      const text = await res.text();
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, body: json, text, headers: res.headers };
    },
    async ok<T>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<T> {
      const res = await gql<T>(query, variables, key);
      if (res.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
      return res.data as T;
    },
    async close() {
      await running.close();
      if (ownsDatabase) await database.drop();
    },
  };
}

/** The error code of the first GraphQL error, for concise assertions. */
export function codeOf(res: GqlResult): string | undefined {
  return res.errors?.[0]?.extensions?.code;
}

/** Creates a service principal with these roles and returns a new API key for it. */
export async function issueKey(app: TestApp, name: string, roles: string[], teams: string[] = ['t1']): Promise<string> {
  await app.ok(`mutation($i: CreatePrincipalInput!) { createPrincipal(input: $i) { id } }`, { i: { name, kind: 'SERVICE', roles, teams } });
  const d = await app.ok(`mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key apiKey { prefix } } }`, { i: { principalName: name, name: 'test' } });
  return d.createApiKey.key;
}
