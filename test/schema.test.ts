import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { join } from 'node:path';
import { COMMITTED_EVENT_SCHEMAS, committedSchemaJson, generateSchemaSdl, printSdl, SCHEMA_FILE } from '../src/schema';
import { EVENT_SCHEMA_DIR } from '../src/ingestion/events/event-schemas';
import { startTestApp, TestApp } from './support/harness';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(async () => app?.close());

describe('schema/schema.graphql', () => {
  const committed = readFileSync(SCHEMA_FILE, 'utf8');
  const hint = 'schema/schema.graphql is stale: run `npm run schema:generate` and commit the result';

  it('matches the schema the running service serves', () => {
    const served = printSdl(app.running.app.get(GraphQLSchemaHost).schema);
    assert.equal(served, committed, hint);
  });

  it('matches what `npm run schema:generate` produces', async () => {
    assert.equal(await generateSchemaSdl(), committed, hint);
  });
});

describe('schema/events/*.schema.json', () => {
  for (const name of Object.keys(COMMITTED_EVENT_SCHEMAS)) {
    it(`${name} matches the schema the service validates with`, () => {
      const committed = readFileSync(join(EVENT_SCHEMA_DIR, `${name}.schema.json`), 'utf8');
      assert.equal(committedSchemaJson(name), committed, `schema/events/${name}.schema.json is stale: run \`npm run schema:generate\` and commit the result`);
    });
  }
});
