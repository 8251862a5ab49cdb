import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DataSource } from 'typeorm';
import { createDataSource } from '../src/platform/database/data-source';
import { createTestDatabase, TestDatabase } from './support/harness';
import { MIGRATIONS } from '../migrations';

let empty: TestDatabase;
let ds: DataSource;
before(async () => {
  // An empty database (cloned from template0), not the migrated template.
  empty = await createTestDatabase('template0');
  ds = createDataSource(empty.url, 2);
  await ds.initialize();
});
after(async () => {
  await ds?.destroy();
  await empty?.drop();
});

async function tables(): Promise<string[]> {
  const rows = await ds.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'pedigree_migrations' ORDER BY 1`);
  return rows.map((r: { tablename: string }) => r.tablename);
}

describe('migrations', () => {
  it('apply in order on an empty database, revert completely, and apply again', async () => {
    const applied = await ds.runMigrations({ transaction: 'each' });
    assert.deepEqual(applied.map((m) => m.name), MIGRATIONS.map((M) => new M().name));
    const created = await tables();
    for (const t of ['node', 'edge', 'dataset', 'dataset_version', 'model_version', 'run', 'deployment_revision', 'principal', 'api_key']) {
      assert.ok(created.includes(t), `missing table ${t}`);
    }
    assert.deepEqual(await ds.runMigrations(), [], 'a second run applies nothing');
    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    assert.deepEqual(await tables(), []);
    await ds.runMigrations({ transaction: 'each' });
    assert.deepEqual(await tables(), created);
  });

  it('index every foreign key and lookup path', async () => {
    // Every foreign-key column is the leading column of some index.
    const unindexed = await ds.query(`
      SELECT c.conrelid::regclass::text AS tbl, a.attname AS col
        FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       WHERE c.contype = 'f' AND NOT EXISTS (
         SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])`);
    assert.deepEqual(unindexed, []);
    const indexes: { indexname: string }[] = await ds.query(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public'`);
    const names = indexes.map((i) => i.indexname);
    for (const expected of ['node_urn_key', 'edge_current_up', 'edge_current_down', 'edge_up', 'edge_down', 'column_lineage_up', 'dataset_version_dataset_id_version_key', 'model_version_model_id_version_key']) {
      assert.ok(names.includes(expected), `missing index ${expected}`);
    }
  });
});
