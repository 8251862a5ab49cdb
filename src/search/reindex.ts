/**
 * Rebuilding the search index from the catalog: every node, in pages, through the same document builder as
 * the outbox indexer, into the adapter's rebuild (PostgreSQL: in place, then documents this pass did not
 * rewrite are removed; Elasticsearch: a new index, then the alias moves to it). Searches keep answering
 * meanwhile, and the outbox keeps draining; a failed rebuild leaves the live index as it was.
 */
import type { SearchDocumentsService } from '../catalog/search/search-documents.service';
import type { SearchIndex } from './search-index.port';

export interface ReindexProgress {
  nodes: number;
  documents: number;
}

export async function reindexAll(
  documents: SearchDocumentsService,
  index: SearchIndex,
  onProgress: (p: ReindexProgress) => void = () => undefined,
  pageSize = 2000,
): Promise<ReindexProgress & { removed: number; seconds: number }> {
  const t0 = performance.now();
  const rebuild = await index.beginRebuild();
  const progress = { nodes: 0, documents: 0 };
  try {
    for (let after = '0'; ; ) {
      const ids = await documents.nodeIdPage(after, pageSize);
      if (!ids.length) break;
      const docs = await documents.documents(ids);
      await rebuild.apply(docs);
      progress.nodes += ids.length;
      progress.documents += docs.length;
      onProgress(progress);
      after = ids[ids.length - 1];
    }
  } catch (err) {
    await rebuild.abort().catch(() => undefined);
    throw err;
  }
  const { removed } = await rebuild.finish();
  return { ...progress, removed, seconds: (performance.now() - t0) / 1000 };
}
