/**
 * Policies as data: managed by admins with clear errors, taking effect at once and ending at their expiry;
 * access requests approved by an entity's owners into time-limited grants; JWT bearer tokens (shared secret
 * and JWKS); the per-source limit on failed authentication.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { ADMIN_KEY, codeOf, issueKey, startTestApp, TestApp } from './support/harness';
import { dataset, datasetVersion } from './support/catalog';

let app: TestApp;
before(async () => {
  app = await startTestApp({ PEDIGREE_AUTH_CACHE_SECONDS: '0' });
});
after(async () => app?.close());

const put = (input: Record<string, unknown>, key: string = ADMIN_KEY) =>
  app.gql(`mutation($i: PolicyInput!) { putAccessPolicy(input: $i) { id name effect actions teams ownerTeams expiresAt createdBy } }`, { i: input }, key);

describe('managing policies', () => {
  it('creates, replaces by name, lists and deletes; refuses policies that apply to no one or mix admin with conditions', async () => {
    const created = await put({ name: 'p1', effect: 'ALLOW', actions: ['READ'], teams: ['x'] });
    assert.equal(created.errors, undefined);
    assert.equal(created.data!.putAccessPolicy.createdBy, 'admin');
    const replaced = await put({ name: 'p1', effect: 'DENY', actions: ['READ', 'READ_DATA'], teams: ['x', 'x'] });
    assert.deepEqual([replaced.data!.putAccessPolicy.id, replaced.data!.putAccessPolicy.effect, replaced.data!.putAccessPolicy.teams],
      [created.data!.putAccessPolicy.id, 'DENY', ['x']]);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: 'nobody', effect: 'ALLOW', actions: ['READ'] }, /applies to no one/],
      [{ name: 'mixed', effect: 'ALLOW', actions: ['ADMIN'], teams: ['x'], domains: ['sales'] }, /admin cannot be limited by domains/],
      [{ name: 'past', effect: 'ALLOW', actions: ['READ'], teams: ['x'], expiresAt: '2020-01-01T00:00:00Z' }, /expiresAt must be in the future/],
      [{ name: 'bad name!', effect: 'ALLOW', actions: ['READ'], teams: ['x'] }, /name may contain/],
      [{ name: 'big', effect: 'ALLOW', actions: ['READ'], teams: Array.from({ length: 101 }, (_, i) => `t${i}`) }, /teams/],
      [{ name: 'field', effect: 'ALLOW', actions: ['READ'], teams: ['x'], fields: ['name; DROP TABLE node'] }, /GraphQL field names/],
    ];
    for (const [input, message] of cases) {
      const res = await put(input);
      assert.equal(codeOf(res), 'BAD_USER_INPUT', JSON.stringify(input).slice(0, 80));
      assert.match(res.errors![0].message, message);
    }
    const list = await app.ok(`{ accessPolicies { name } }`);
    assert.deepEqual(list.accessPolicies.map((p: any) => p.name), ['p1']);
    assert.equal((await app.ok(`mutation { deleteAccessPolicy(name: "p1") { name } }`)).deleteAccessPolicy.name, 'p1');
    assert.equal(codeOf(await app.gql(`mutation { deleteAccessPolicy(name: "p1") { name } }`)), 'NOT_FOUND');
  });

  it('a policy takes effect on the next request and stops at its expiry; a deny beats an allow', async () => {
    const ds = await dataset(app, 'secret_sauce', { ownerTeam: 'chefs', classifications: ['PII'] });
    const v = await datasetVersion(app, ds, { locationUri: 's3://kitchen/sauce' });
    const cook = await issueKey(app, 'cook', ['READER'], ['kitchen']);
    const loc = async () => (await app.gql(`query($u: String!) { datasetVersion(urn: $u) { locationUri } }`, { u: v }, cook)).data!.datasetVersion.locationUri;
    assert.equal(await loc(), null, 'readers see no data');
    await put({ name: 'kitchen-data', effect: 'ALLOW', actions: ['READ_DATA'], teams: ['kitchen'], expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    assert.equal(await loc(), 's3://kitchen/sauce');
    await put({ name: 'no-pii-data', effect: 'DENY', actions: ['READ_DATA'], teams: ['kitchen'], classifications: ['PII'] });
    assert.equal(await loc(), null, 'the deny wins');
    await app.ok(`mutation { deleteAccessPolicy(name: "no-pii-data") { name } }`);
    assert.equal(await loc(), 's3://kitchen/sauce');
    await app.db.query(`UPDATE access_policy SET expires_at = now() - interval '1 second' WHERE name = 'kitchen-data'`);
    assert.equal(await loc(), null, 'an expired policy grants nothing');
  });
});

describe('access requests', () => {
  it('an analyst asks, an owner approves, a time-limited grant follows; the requester cannot approve; denial grants nothing', async () => {
    const ds = await dataset(app, 'customers', { ownerTeam: 'crm', domain: 'sales', classifications: ['PII'] });
    const v = await datasetVersion(app, ds, { locationUri: 's3://lake/customers' });
    const analyst = await issueKey(app, 'bizops', ['READER'], ['biz']);
    const owner = await issueKey(app, 'crm-lead', ['READER'], ['crm']);
    const stranger = await issueKey(app, 'other-team', ['READER'], ['elsewhere']);
    await put({ name: 'owners-approve', effect: 'ALLOW', actions: ['APPROVE'], roles: ['reader'], ownerTeams: ['$callerTeams'] });
    const loc = async () => (await app.gql(`query($u: String!) { datasetVersion(urn: $u) { locationUri } }`, { u: v }, analyst)).data!.datasetVersion.locationUri;
    assert.equal(await loc(), null);

    const ask = (reason: string) => app.gql(`mutation($u: String!, $r: String!) { requestAccess(input: { urn: $u, reason: $r, durationHours: 2 }) { id status action requestedBy } }`, { u: ds, r: reason }, analyst);
    const asked = (await ask('quarterly churn analysis')).data!.requestAccess;
    assert.deepEqual({ ...asked, id: undefined }, { id: undefined, status: 'PENDING', action: 'READ_DATA', requestedBy: 'bizops' });
    const decide = (id: string, approve: boolean, key: string) =>
      app.gql(`mutation($id: ID!, $a: Boolean!) { decideAccessRequest(id: $id, approve: $a, note: "ok for Q4") { status decidedBy policyName expiresAt } }`, { id, a: approve }, key);
    assert.equal(codeOf(await decide(asked.id, true, stranger)), 'FORBIDDEN', 'only the owners decide');
    assert.equal(codeOf(await decide(asked.id, true, analyst)), 'FORBIDDEN');
    const toDecide = await app.ok(`{ accessRequests(which: "toDecide", status: PENDING) { id urn } }`, {}, owner);
    assert.deepEqual(toDecide.accessRequests.map((r: any) => r.urn), [ds]);
    assert.deepEqual((await app.ok(`{ accessRequests(which: "toDecide") { id } }`, {}, stranger)).accessRequests, []);
    const approved = (await decide(asked.id, true, owner)).data!.decideAccessRequest;
    assert.equal(approved.status, 'APPROVED');
    assert.equal(approved.decidedBy, 'crm-lead');
    const hours = (Date.parse(approved.expiresAt) - Date.now()) / 3_600_000;
    assert.ok(hours > 1.9 && hours <= 2, `expires in ~2 h, got ${hours}`);
    assert.equal(await loc(), 's3://lake/customers', 'the grant covers the dataset’s versions');
    assert.equal(codeOf(await decide(asked.id, false, owner)), 'CONFLICT', 'decided once');
    assert.equal(codeOf(await ask('again')), 'CONFLICT', 'nothing to ask for any more');
    await app.db.query(`UPDATE access_policy SET expires_at = now() - interval '1 second' WHERE name = $1`, [approved.policyName]);
    assert.equal(await loc(), null, 'the grant ended');

    const second = (await ask('once more')).data!.requestAccess;
    assert.equal((await decide(second.id, false, owner)).data!.decideAccessRequest.status, 'DENIED');
    assert.equal(await loc(), null);
    const mine = await app.ok(`{ accessRequests(which: "mine") { status } }`, {}, analyst);
    assert.deepEqual(mine.accessRequests.map((r: any) => r.status), ['DENIED', 'APPROVED']);
  });

  it('refuses bad requests clearly', async () => {
    const analyst = await issueKey(app, 'bizops-2', ['READER'], ['biz']);
    const ds = await dataset(app, 'orders');
    const ask = (input: Record<string, unknown>) => app.gql(`mutation($i: RequestAccessInput!) { requestAccess(input: $i) { id } }`, { i: input }, analyst);
    assert.equal(codeOf(await ask({ urn: ds, reason: 'x' })), 'BAD_USER_INPUT');
    assert.equal(codeOf(await ask({ urn: ds, reason: 'fine reason', durationHours: 100_000 })), 'BAD_USER_INPUT');
    assert.equal(codeOf(await ask({ urn: 'not a urn', reason: 'fine reason' })), 'BAD_USER_INPUT');
    assert.equal(codeOf(await ask({ urn: `${ds}_missing`, reason: 'fine reason' })), 'NOT_FOUND');
    assert.equal(codeOf(await app.gql(`mutation { decideAccessRequest(id: "1; DROP TABLE node", approve: true) { id } }`)), 'BAD_USER_INPUT');
    assert.equal(codeOf(await app.gql(`mutation { decideAccessRequest(id: "999999", approve: true) { id } }`)), 'NOT_FOUND');
  });
});

describe('JWT bearer tokens', () => {
  const secret = 's3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t!';
  const sign = (claims: Record<string, unknown>, opts: { key?: string; exp?: string | number } = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(opts.exp ?? '5m')
      .sign(new TextEncoder().encode(opts.key ?? secret));

  it('a shared-secret token maps its claims to a principal, teams and roles; bad, expired or unsigned tokens are refused alike', async () => {
    const jwtApp = await startTestApp({ JWT_SECRET: secret, PEDIGREE_AUTH_MAX_FAILURES: '1000' });
    try {
      const token = await sign({ sub: 'alice@corp', groups: ['team-a', 'bad team!'], roles: ['reader', 'superuser'] });
      const me = await jwtApp.ok(`{ me { name teams roles } }`, {}, token);
      assert.deepEqual(me.me, { name: 'alice@corp', teams: ['team-a'], roles: ['READER'] });
      assert.equal(codeOf(await jwtApp.gql(`mutation { registerDataset(input: { namespace: "s3://x", name: "y" }) { urn } }`, {}, token)), 'FORBIDDEN');
      const refused = [
        await sign({ sub: 'alice' }, { key: 'another-secret-another-secret-1234' }),
        await sign({ sub: 'alice' }, { exp: Math.floor(Date.now() / 1000) - 60 }),
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"alice"}').toString('base64url')}.`,
        await sign({ name: 'no subject' }),
        token.slice(0, -2) + 'xx',
      ];
      for (const bad of refused) {
        const res = await jwtApp.gql(`{ me { name } }`, {}, bad);
        assert.equal(codeOf(res), 'UNAUTHENTICATED', bad.slice(0, 30));
        assert.match(res.errors![0].message, /^Authentication failed/);
      }
      assert.equal((await jwtApp.ok(`{ me { name } }`)).me.name, 'admin', 'API keys still work');
    } finally {
      await jwtApp.close();
    }
  });

  it('disabling a principal refuses its tokens and keys from the next request; enabling lets it back; hostile names are refused', async () => {
    const jwtApp = await startTestApp({ JWT_SECRET: secret, PEDIGREE_AUTH_CACHE_SECONDS: '60' });
    try {
      const carol = await sign({ sub: 'carol|sso', roles: ['reader'] });
      assert.equal((await jwtApp.ok(`{ me { name } }`, {}, carol)).me.name, 'carol|sso');
      const daveKey = await issueKey(jwtApp, 'dave', ['WRITER']);
      assert.equal((await jwtApp.ok(`{ me { name disabledAt } }`, {}, daveKey)).me.disabledAt, null);
      const disable = (name: string, key = ADMIN_KEY) => jwtApp.gql(`mutation($n: String!) { disablePrincipal(name: $n) { name kind roles disabledAt } }`, { n: name }, key);
      const enable = (name: string) => jwtApp.gql(`mutation($n: String!) { enablePrincipal(name: $n) { name disabledAt } }`, { n: name });

      // A JWT user unknown to the database is recorded as a disabled user with no roles; the cache (60 s) does
      // not delay it on this replica.
      const off = await disable('carol|sso');
      assert.equal(off.errors, undefined);
      assert.deepEqual({ ...off.data!.disablePrincipal, disabledAt: typeof off.data!.disablePrincipal.disabledAt },
        { name: 'carol|sso', kind: 'USER', roles: [], disabledAt: 'string' });
      const refused = await jwtApp.gql(`{ me { name } }`, {}, carol);
      assert.equal(codeOf(refused), 'UNAUTHENTICATED');
      assert.match(refused.errors![0].message, /^Authentication failed/, 'the same words as any bad credential');
      assert.equal(codeOf(await disable('dave')), undefined);
      assert.equal(codeOf(await jwtApp.gql(`{ me { name } }`, {}, daveKey)), 'UNAUTHENTICATED', 'its API keys too');
      const again = await disable('dave');
      assert.equal(again.data!.disablePrincipal.disabledAt, (await disable('dave')).data!.disablePrincipal.disabledAt, 'disabling twice keeps the first time');

      assert.equal((await enable('carol|sso')).data!.enablePrincipal.disabledAt, null);
      assert.equal((await jwtApp.ok(`{ me { name } }`, {}, carol)).me.name, 'carol|sso');
      await enable('dave');
      assert.equal((await jwtApp.ok(`{ me { name } }`, {}, daveKey)).me.name, 'dave');

      const self = await disable('admin');
      assert.equal(codeOf(self), 'BAD_USER_INPUT');
      assert.match(self.errors![0].message, /cannot disable yourself/);
      assert.equal(codeOf(await disable('carol|sso', daveKey)), 'FORBIDDEN', 'a writer may not');
      assert.equal(codeOf(await enable('nobody-at-all')), 'NOT_FOUND');
      for (const name of ['', 'x'.repeat(201), "a'; DROP TABLE principal; --", '../admin', 'white space']) {
        const res = await disable(name);
        assert.equal(codeOf(res), 'BAD_USER_INPUT', name.slice(0, 20));
      }
      assert.equal((await jwtApp.ok(`{ me { name } }`)).me.name, 'admin', 'still serving');
      const audited = await jwtApp.db.query<{ action: string; outcome: string }>(
        `SELECT action, outcome FROM audit_log WHERE action IN ('disablePrincipal', 'enablePrincipal') ORDER BY seq`,
      );
      assert.ok(audited.filter((a) => a.action === 'disablePrincipal' && a.outcome === 'succeeded').length >= 3, JSON.stringify(audited));
    } finally {
      await jwtApp.close();
    }
  });

  it('JWKS: tokens signed by the issuer’s key are accepted; other issuers and keys are not', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const jwks = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    const jwtApp = await startTestApp({ JWT_JWKS_URI: jwks, JWT_ISSUER: 'https://idp.example', JWT_TEAMS_CLAIM: 'teams' });
    try {
      const sign = (issuer: string, key = privateKey) =>
        new SignJWT({ teams: ['ml'] }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('bob').setIssuer(issuer).setExpirationTime('5m').sign(key);
      assert.deepEqual((await jwtApp.ok(`{ me { name teams } }`, {}, await sign('https://idp.example'))).me, { name: 'bob', teams: ['ml'] });
      assert.equal(codeOf(await jwtApp.gql(`{ me { name } }`, {}, await sign('https://evil.example'))), 'UNAUTHENTICATED');
      const other = await generateKeyPair('RS256');
      assert.equal(codeOf(await jwtApp.gql(`{ me { name } }`, {}, await sign('https://idp.example', other.privateKey))), 'UNAUTHENTICATED');
    } finally {
      await jwtApp.close();
      server.close();
    }
  });
});

describe('brute force', () => {
  it('after too many failures a source is refused for the rest of the minute, good key or not, and it is audited', async () => {
    const limited = await startTestApp({ PEDIGREE_AUTH_MAX_FAILURES: '5' });
    try {
      for (let i = 0; i < 5; i++) {
        const res = await limited.gql(`{ me { name } }`, {}, `pdg_guess_${i}`);
        assert.equal(res.status, 401);
      }
      const blocked = await limited.gql(`{ me { name } }`, {}, ADMIN_KEY);
      assert.equal(blocked.status, 429);
      assert.equal(codeOf(blocked), 'RATE_LIMITED');
      assert.match(blocked.errors![0].message, /try again in \d+ s/);
      const http = await fetch(`${limited.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      assert.equal(http.status, 429, 'HTTP routes too');
      let rows: { action: string; outcome: string }[] = [];
      for (let i = 0; i < 50 && !rows.length; i++) {
        await new Promise((r) => setTimeout(r, 20)); // appended without holding up the refusal
        rows = await limited.db.query(`SELECT action, outcome FROM audit_log WHERE principal = 'anonymous'`);
      }
      assert.deepEqual(rows, [{ action: 'authenticate', outcome: 'denied' }]);
    } finally {
      await limited.close();
    }
  });
});
