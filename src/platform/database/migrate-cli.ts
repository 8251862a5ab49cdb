/** `npm run migration:run` / `migration:revert` against DATABASE_URL, or the embedded database when unset. */
import { loadConfig } from '../config/config';
import { openDatabase } from './open-database';

async function main(): Promise<void> {
  const command = process.argv[2];
  if (command !== 'run' && command !== 'revert') {
    console.error('usage: migrate-cli run|revert');
    process.exit(2);
  }
  const config = { ...loadConfig(), runMigrations: false };
  const db = await openDatabase(config, (m) => console.error(m));
  try {
    if (command === 'run') {
      const applied = await db.dataSource.runMigrations({ transaction: 'each' });
      console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'No pending migrations.');
    } else {
      await db.dataSource.undoLastMigration({ transaction: 'each' });
      console.log('Reverted the last migration.');
    }
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
