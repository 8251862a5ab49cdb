/**
 * The audit log: what gets recorded (mutations with their request id, refused and failed ones, ingestion
 * batches with counts, data reads), that it is append-only for the service's role, that its hash chain
 * exposes tampering (through GraphQL and `npm run audit:verify`), and that auditors can search it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN_KEY, codeOf, issueKey, startTestApp, TestApp } from './support/harness';
import { dataset, datasetVersion } from './support/catalog';
import { pedigreeEvent } from './support/events';

const run = promisify(execFile);
let app: TestApp;

before(async () => {
  app = await startTestApp();
});
after(async () => app?.close());

const entries = async (filter: Record<string, unknown>, first = 50) =>
  (await app.ok(`query($f: AuditLogFilter, $n: Int) { auditLog(filter: $f, first: $n) { edges { node { seq at principal action target outcome requestId details hash } } pageInfo { hasNextPage endCursor } } }`, { f: filter, n: first }))
    .auditLog.edges.map((e: any) => e.node);

/** Runs SQL as the database owner with the append-only trigger bypassed: what an attacker with DB access could do. */
const tamper = (sql: string) => app.db.query(`BEGIN; SET LOCAL session_replication_role = replica; ${sql}; COMMIT;`);

const verify = async (from?: string) =>
  (await app.ok(`query($f: DateTime) { verifyAuditLog(from: $f) { ok checked brokenAt reason headHash unsealed } }`, { f: from })).verifyAuditLog;

describe('what is recorded', () => {
  it('a mutation: who, what, the target, the outcome and the caller’s request id, in the same transaction as the change', async () => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}`, 'x-request-id': 'req-audit-1' },
      body: JSON.stringify({ query: `mutation { registerDataset(input: { namespace: "s3://lake", name: "audited", ownerTeam: "t" }) { urn } }` }),
    });
    const urn = ((await res.json()) as any).data.registerDataset.urn;
    assert.equal((await verify()).ok, true); // seals what is committed
    const [e] = await entries({ target: urn });
    assert.deepEqual({ principal: e.principal, action: e.action, outcome: e.outcome, requestId: e.requestId }, {
      principal: 'admin', action: 'registerDataset', outcome: 'succeeded', requestId: 'req-audit-1',
    });
    assert.equal(e.details.input.input.name, 'audited');
    assert.match(e.hash, /^[0-9a-f]{64}$/);
  });

  it('a failed mutation is recorded as failed, and nothing of it is kept', async () => {
    const bad = await app.gql(`mutation { registerDatasetVersion(input: { datasetUrn: "urn:pedigree:dataset:s3://lake/ghost" }) { urn } }`);
    assert.equal(codeOf(bad), 'NOT_FOUND');
    const [e] = await entries({ action: 'registerDatasetVersion', outcome: 'failed' });
    assert.equal(e.details.error, 'NOT_FOUND');
    assert.equal(e.target, 'urn:pedigree:dataset:s3://lake/ghost');
  });

  it('a refused request is recorded as denied', async () => {
    const reader = await issueKey(app, 'audit-reader', ['READER']);
    assert.equal(codeOf(await app.gql(`mutation { registerDataset(input: { namespace: "s3://x", name: "nope" }) { urn } }`, {}, reader)), 'FORBIDDEN');
    await new Promise((r) => setTimeout(r, 100)); // denials are appended without holding up the answer
    const [e] = await entries({ principal: 'audit-reader', outcome: 'denied' });
    assert.deepEqual([e.action, e.target], ['write', 'Catalog']);
  });

  it('an ingestion batch is one entry with its counts', async () => {
    const events = [1, 2, 3].map((i) => pedigreeEvent('dataset.profiled', { dataset: { namespace: 'warehouse', name: `batch_${i}` }, statistics: { rowCount: i } }));
    const res = await app.post('/api/v1/events', events);
    assert.equal(res.status, 200, res.text);
    const [e] = await entries({ action: 'POST /api/v1/events' });
    assert.equal(e.outcome, 'succeeded');
    assert.equal(e.details.received, 3);
    assert.equal(e.details.applied, 3);
  });

  it('reading data (a location) is recorded once per entity per request; metadata reads are not', async () => {
    const ds = await dataset(app, 'located');
    const v = await datasetVersion(app, ds, { locationUri: 's3://lake/located' });
    const before = (await entries({ action: 'readData' }, 500)).length;
    await app.ok(`query($u: String!) { a: datasetVersion(urn: $u) { locationUri } b: datasetVersion(urn: $u) { locationUri } dataset(urn: "${ds}") { name } }`, { u: v });
    await new Promise((r) => setTimeout(r, 100));
    const after = await entries({ action: 'readData' }, 500);
    assert.equal(after.length, before + 1);
    assert.deepEqual([after[0].target, after[0].outcome, after[0].principal], [v, 'allowed', 'admin']);
  });
});

describe('tamper evidence', () => {
  it('the service’s role cannot change or delete entries', async () => {
    await verify();
    for (const sql of [
      'UPDATE audit_log SET principal = $1', 'DELETE FROM audit_log WHERE seq = 1 OR principal = $1', 'TRUNCATE audit_log',
      'UPDATE audit_chain SET hash = sha256(hash || $1::bytea)', 'DELETE FROM audit_chain WHERE seq = 1 OR hash = $1::bytea', 'TRUNCATE audit_chain',
    ]) {
      await assert.rejects(app.db.query(sql, sql.includes('$1') ? ['mallory'] : []), /append-only/, sql);
    }
  });

  it('verify passes an intact chain and finds the first broken link after an edit, a deletion or a forged hash', async () => {
    for (let i = 0; i < 5; i++) await dataset(app, `chain_${i}`);
    const intact = await verify();
    assert.equal(intact.ok, true, JSON.stringify(intact));
    assert.ok(intact.checked >= 10);
    const rows = await app.db.query<{ seq: string }>(`SELECT seq::text AS seq FROM audit_log ORDER BY seq`);
    const mid = rows[Math.floor(rows.length / 2)].seq;

    // 1. Edit one field of one entry: found; put back, the chain is whole again.
    const [orig] = await app.db.query<{ principal: string }>(`SELECT principal FROM audit_log WHERE seq = ${mid}`);
    await tamper(`UPDATE audit_log SET principal = 'mallory' WHERE seq = ${mid}`);
    let v = await verify();
    assert.deepEqual([v.ok, v.brokenAt], [false, mid]);
    assert.match(v.reason, /changed after it was written/);
    await tamper(`UPDATE audit_log SET principal = '${orig.principal}' WHERE seq = ${mid}`);
    assert.equal((await verify()).ok, true);

    // 2. Delete an entry: the gap is found, also when verifying from a time.
    await tamper(`CREATE TABLE audit_backup AS SELECT * FROM audit_log WHERE seq = ${mid}; DELETE FROM audit_log WHERE seq = ${mid}`);
    v = await verify();
    assert.deepEqual([v.ok, v.brokenAt], [false, mid]);
    assert.match(v.reason, /is missing/);
    assert.equal((await verify(new Date(0).toISOString())).brokenAt, mid);
    await tamper(`INSERT INTO audit_log SELECT * FROM audit_backup; DROP TABLE audit_backup`);
    assert.equal((await verify()).ok, true);

    // 3. Forge a link of the chain: recomputing it, or the next link, gives it away.
    await tamper(`UPDATE audit_chain SET hash = sha256(hash) WHERE seq = ${mid}`);
    v = await verify();
    assert.equal(v.ok, false);
    assert.ok([mid, String(Number(mid) + 1)].includes(v.brokenAt), JSON.stringify(v));

    // The CLI says the same and exits 2.
    const cli = join(__dirname, '..', 'src', 'audit', 'audit-cli.js');
    const env = { PATH: process.env.PATH ?? '', DATABASE_URL: app.database.url, PEDIGREE_RUN_MIGRATIONS: 'false', LOG_LEVEL: 'silent' };
    const out = await run(process.execPath, [cli], { env }).then(
      (ok: { stdout: string; stderr: string }) => assert.fail(`audit:verify must fail on a broken chain: ${ok.stdout} ${ok.stderr}`),
      (err: { code: number; stdout: string }) => err,
    );
    assert.equal(out.code, 2);
    assert.match(out.stdout, /audit log BROKEN at entry \d+/);
  });

  it('audit:verify reports an intact chain with exit 0', async () => {
    const fresh = await startTestApp();
    try {
      await dataset(fresh, 'one');
      const cli = join(__dirname, '..', 'src', 'audit', 'audit-cli.js');
      const env = { PATH: process.env.PATH ?? '', DATABASE_URL: fresh.database.url, PEDIGREE_RUN_MIGRATIONS: 'false', LOG_LEVEL: 'silent' };
      const { stdout } = await run(process.execPath, [cli, '--from', '2020-01-01T00:00:00Z'], { env });
      assert.match(stdout, /audit log intact: \d+ entries checked .* head [0-9a-f]{64}/);
      const bad = await run(process.execPath, [cli, '--from', 'yesterday'], { env }).catch((e: { code: number; stderr: string }) => e);
      assert.equal((bad as { code: number }).code, 1);
      assert.match((bad as { stderr: string }).stderr, /--from: "yesterday" is not a time/);
    } finally {
      await fresh.close();
    }
  });
});

describe('searching the log', () => {
  it('auditors filter and page; readers may not look', async () => {
    const auditor = await issueKey(app, 'auditor-1', ['AUDITOR']);
    const page1 = await app.ok(`{ auditLog(first: 2, filter: { action: "registerDataset" }) { edges { node { seq action } } pageInfo { hasNextPage endCursor } } }`, {}, auditor);
    assert.equal(page1.auditLog.edges.length, 2);
    assert.ok(page1.auditLog.pageInfo.hasNextPage);
    const page2 = await app.ok(`query($a: String) { auditLog(first: 2, after: $a, filter: { action: "registerDataset" }) { edges { node { seq } } } }`,
      { a: page1.auditLog.pageInfo.endCursor }, auditor);
    assert.ok(Number(page2.auditLog.edges[0].node.seq) < Number(page1.auditLog.edges[1].node.seq), 'newest first, no overlap');
    const hostile = await app.ok(`{ auditLog(filter: { principal: "x' OR '1'='1" }) { edges { cursor } } }`, {}, auditor);
    assert.deepEqual(hostile.auditLog.edges, []);
    assert.equal(codeOf(await app.gql(`{ auditLog(after: "bm9wZQ") { edges { cursor } } }`, {}, auditor)), 'BAD_USER_INPUT');
    assert.equal(codeOf(await app.gql(`{ auditLog(filter: { principal: "${'p'.repeat(300)}" }) { edges { cursor } } }`, {}, auditor)), 'BAD_USER_INPUT');
    const reader = await issueKey(app, 'nosy-reader', ['READER']);
    assert.equal(codeOf(await app.gql(`{ auditLog { edges { cursor } } }`, {}, reader)), 'FORBIDDEN');
    assert.equal(codeOf(await app.gql(`{ verifyAuditLog { ok } }`, {}, reader)), 'FORBIDDEN');
  });
});
