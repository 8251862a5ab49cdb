/**
 * Catalog search: the SearchIndex port with its adapter (Elasticsearch when ELASTICSEARCH_URL is set,
 * PostgreSQL otherwise), the outbox indexer, and the GraphQL `search` / `suggest` queries. Documents come
 * from the catalog's SearchDocumentsService.
 */
import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { CONFIG } from '../platform/config/config';
import { Db } from '../platform/database/db';
import { MetricsModule } from '../platform/metrics/metrics';
import { searchIndexFor } from './search-index.factory';
import { SEARCH_INDEX, SearchIndex } from './search-index.port';
import { SearchIndexer } from './search-indexer';
import { SearchHitResolver, SearchResolver } from './search.resolver';
import { SearchService } from './search.service';

export const SEARCH_RESOLVERS = [SearchResolver, SearchHitResolver];

@Module({
  imports: [CatalogModule, MetricsModule],
  providers: [
    {
      provide: SEARCH_INDEX,
      inject: [CONFIG, Db],
      useFactory: searchIndexFor,
    },
    SearchIndexer,
    SearchService,
    ...SEARCH_RESOLVERS,
  ],
  exports: [SearchIndexer, SEARCH_INDEX],
})
export class SearchModule implements OnApplicationShutdown {
  constructor(@Inject(SEARCH_INDEX) private readonly index: SearchIndex) {}

  async onApplicationShutdown(): Promise<void> {
    await this.index.close();
  }
}
