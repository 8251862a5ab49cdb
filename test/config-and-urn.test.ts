import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../src/platform/config/config';
import { makeUrn, parseUrn, versionUrn } from '../src/platform/graph/urn';
import { NodeKind } from '../src/platform/graph/node-kind';
import { decodeCursor, encodeCursor } from '../src/platform/graphql/connection';
import { checkJsonObject } from '../src/catalog/nodes/properties';

describe('configuration', () => {
  it('has working defaults for an empty environment', () => {
    const c = loadConfig({});
    assert.equal(c.port, 4000);
    assert.equal(c.databaseUrl, undefined);
    assert.match(c.dataDir, /\.pedigree$/);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.runMigrations, true);
  });

  it('reports every invalid variable at once', () => {
    assert.throws(
      () => loadConfig({ PORT: '70000', PEDIGREE_ADMIN_API_KEY: 'short', GRAPHQL_MAX_DEPTH: '0', GRAPHQL_PLAYGROUND: 'maybe', PEDIGREE_EMBEDDED_PG_SHARED_BUFFERS: '1; DROP' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        for (const v of ['PORT', 'PEDIGREE_ADMIN_API_KEY', 'GRAPHQL_MAX_DEPTH', 'GRAPHQL_PLAYGROUND', 'PEDIGREE_EMBEDDED_PG_SHARED_BUFFERS']) assert.match(err.message, new RegExp(v));
        return true;
      },
    );
  });
});

describe('URNs', () => {
  it('are built from natural keys and parsed back with kind checks', () => {
    const ds = makeUrn(NodeKind.DATASET, 'postgres://warehouse/public.customers');
    assert.equal(ds, 'urn:pedigree:dataset:postgres://warehouse/public.customers');
    assert.equal(versionUrn(ds, 12), `${ds}@12`);
    assert.equal(parseUrn('urn', ds, NodeKind.DATASET), ds);
    assert.equal(parseUrn('urn', `${ds}@12`, NodeKind.DATASET_VERSION), `${ds}@12`);
    assert.throws(() => parseUrn('urn', ds, NodeKind.MODEL), /must be a model URN/);
    for (const bad of ['', 'urn:pedigree', 'urn:pedigree:x:y', 'urn:pedigree:run:', 'urn:pedigree:run:a b', 'urn:pedigree:run:\u0007', `urn:pedigree:run:${'a'.repeat(1100)}`]) {
      assert.throws(() => parseUrn('field', bad), /field/, JSON.stringify(bad));
    }
  });
});

describe('cursors and JSON limits', () => {
  it('round-trips cursors and refuses forged ones', () => {
    assert.equal(decodeCursor(encodeCursor('123')), '123');
    assert.equal(decodeCursor(undefined), undefined);
    for (const bad of ['', 'abc', Buffer.from('v1:-1').toString('base64url'), Buffer.from('v2:1').toString('base64url'), Buffer.from(`v1:${'9'.repeat(30)}`).toString('base64url')]) {
      assert.throws(() => decodeCursor(bad), /Invalid cursor/, bad);
    }
  });

  it('bounds JSON objects by size and depth', () => {
    assert.deepEqual(checkJsonObject('p', { a: 1 }, 100), { a: 1 });
    assert.equal(checkJsonObject('p', undefined, 100), undefined);
    assert.throws(() => checkJsonObject('p', { a: 'x'.repeat(200) }, 100), /limit is 100 bytes/);
    assert.throws(() => checkJsonObject('p', [1], 100), /JSON object/);
    assert.throws(() => checkJsonObject('p', { s: 'a\u0000b' }, 100), /NUL/);
  });
});
