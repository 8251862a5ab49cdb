/**
 * Rebuilding the search index from the catalog: every node, in pages, through the same document builder and
 * adapter as the outbox indexer; then documents not rewritten by this pass (entities no longer searchable)
 * are removed. Searches keep answering meanwhile, and the outbox keeps draining.
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
  const started = await index.clock();
  const t0 = performance.now();
  const progress = { nodes: 0, documents: 0 };
  for (let after = '0'; ; ) {
    const ids = await documents.nodeIdPage(after, pageSize);
    if (!ids.length) break;
    const docs = await documents.documents(ids);
    await index.apply(docs);
    progress.nodes += ids.length;
    progress.documents += docs.length;
    onProgress(progress);
    after = ids[ids.length - 1];
  }
  const removed = await index.removeIndexedBefore(started);
  return { ...progress, removed, seconds: (performance.now() - t0) / 1000 };
}
