import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { generateSchemaSdl, printSdl, SCHEMA_FILE } from '../src/schema';
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
