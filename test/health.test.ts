import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adminQuery, startTestApp, TestApp } from './support/harness';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(async () => app?.close());

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
