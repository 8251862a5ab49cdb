#!/usr/bin/env node
// `npm test`: starts a real PostgreSQL (embedded, or the server in DATABASE_URL), migrates a template
// database once, then runs every compiled test file with Node's test runner. Each test file clones its own
// database from the template (test/support/harness.ts), so files are isolated and run in parallel.
// Everything this script starts is stopped, and every database it created is dropped, when it ends.
// It also builds the Kafka test broker (librdkafka's mock cluster, test/kafka/mock-broker.c) unless
// KAFKA_BROKERS names a real cluster; without librdkafka-dev the Kafka tests fail and say what to install.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { buildMockBroker } from './build-mock-broker.mjs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');
const { startEmbeddedPostgres } = require(join(root, 'dist/src/platform/database/embedded.js'));
const { createDataSource } = require(join(root, 'dist/src/platform/database/data-source.js'));
const pg = require('pg');

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out.sort();
}

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const template = `pedigree_test_template_${process.pid}`;
let embedded;
let dataDir;
let adminUrl;

async function setup() {
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
    console.error(`test harness: using PostgreSQL at DATABASE_URL`);
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'pedigree-test-'));
    embedded = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    adminUrl = embedded.adminUrl;
    console.error(`test harness: embedded PostgreSQL in ${dataDir}`);
  }
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE "${template}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${template}`;
  const ds = createDataSource(url.toString(), 2);
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

async function teardown() {
  try {
    if (adminUrl) {
      await withClient(adminUrl, async (c) => {
        const { rows } = await c.query(
          `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
          [template, `pedigree_t_${process.pid}_%`],
        );
        for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      });
    }
  } catch (err) {
    console.error(`test harness: cleanup failed: ${err.message}`);
  }
  if (embedded) await embedded.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

async function main() {
  const filter = process.argv.slice(2);
  const files = testFiles(join(root, 'dist/test')).filter((f) => filter.length === 0 || filter.some((p) => f.includes(p)));
  if (files.length === 0) {
    console.error('test harness: no test files matched');
    process.exit(1);
  }
  const kafkaEnv = buildMockBroker();
  await setup();
  let child;
  const stop = (signal) => child?.kill(signal);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await new Promise((ok) => {
    child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...files], {
      stdio: 'inherit',
      env: {
        ...process.env,
        PEDIGREE_TEST_ADMIN_URL: adminUrl,
        PEDIGREE_TEST_TEMPLATE: template,
        PEDIGREE_TEST_DB_PREFIX: `pedigree_t_${process.pid}_`,
        ...kafkaEnv,
      },
    });
    child.on('exit', (c, signal) => ok(c ?? (signal ? 1 : 0)));
  });
  await teardown();
  process.exit(code);
}

main().catch(async (err) => {
  console.error(err);
  await teardown();
  process.exit(1);
});
