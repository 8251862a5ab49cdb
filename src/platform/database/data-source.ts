/** Builds the TypeORM DataSource: migrations are hand-written SQL (migrations/), `synchronize` is never on. */
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';

export function createDataSource(url: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'pedigree_migrations',
    migrationsTransactionMode: 'each',
    entities: [],
    logging: false,
    extra: { max: poolSize, application_name: 'pedigree' },
  });
}
