/**
 * `npm run reindex`: rebuilds the search index — PostgreSQL's, or Elasticsearch's when ELASTICSEARCH_URL is
 * set (into a new index, then the alias moves) — from the catalog (DATABASE_URL, or the embedded database
 * when unset), with a progress bar on a terminal and a summary at the end.
 */
import { SingleBar } from 'cli-progress';
import { SearchDocumentsService } from '../catalog/search/search-documents.service';
import { LineageService } from '../lineage/lineage.service';
import { loadConfig } from '../platform/config/config';
import { Db } from '../platform/database/db';
import { openDatabase } from '../platform/database/open-database';
import { searchIndexFor } from './search-index.factory';
import { reindexAll } from './reindex';

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config, (m) => console.error(m));
  try {
    const db = new Db(database.dataSource);
    const index = searchIndexFor(config, db);
    await index.init();
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM node`);
    const bar = process.stderr.isTTY ? new SingleBar({ format: 'reindex |{bar}| {percentage}% | {value}/{total} nodes | {eta_formatted} left', hideCursor: true }) : undefined;
    bar?.start(n, 0);
    let lastLine = 0;
    const result = await reindexAll(new SearchDocumentsService(db, new LineageService(db)), index, (p) => {
      bar?.update(p.nodes);
      if (!bar && Date.now() - lastLine > 5000) {
        lastLine = Date.now();
        console.error(`reindex: ${p.nodes}/${n} nodes`);
      }
    });
    bar?.stop();
    await index.close();
    console.log(
      `reindexed ${result.documents} documents from ${result.nodes} nodes in ${result.seconds.toFixed(1)} s ` +
        `(${Math.round(result.documents / Math.max(result.seconds, 0.001))} documents/s); removed ${result.removed} stale`,
    );
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
