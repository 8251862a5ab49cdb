import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, get } from 'node:http';
import { adminQuery, startTestApp, TestApp } from './support/harness';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(async () => app?.close());

describe('connections', () => {
  it('keeps an idle keep-alive connection open longer than clients do (no race with a reused socket)', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const call = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = get(`${app.url}/health/live`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, reused: req.reusedSocket }));
        });
        req.on('error', reject);
      });
    assert.deepEqual(await call(), { status: 200, reused: false });
    await new Promise((r) => setTimeout(r, 6_000)); // longer than Node's default keep-alive timeout (5 s)
    assert.deepEqual(await call(), { status: 200, reused: true });
    agent.destroy();
  });
});

describe('health', () => {
  it('reports the database down with 503 when PostgreSQL cannot be reached, while liveness stays up', async () => {
    assert.equal((await fetch(`${app.url}/health`)).status, 200);
    // Take the database away from under the running service.
    await adminQuery(`DROP DATABASE "${app.database.name}" WITH (FORCE)`);
    const res = await fetch(`${app.url}/health`);
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { status: 'unavailable', checks: { database: 'down' } });
    assert.equal((await fetch(`${app.url}/health/live`)).status, 200);
  });
});
