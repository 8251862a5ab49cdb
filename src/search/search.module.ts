/**
 * Catalog search: the SearchIndex port with the PostgreSQL adapter, the outbox indexer, and the GraphQL
 * `searchCatalog` / `suggest` queries. Documents come from the catalog's SearchDocumentsService.
 */
import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { MetricsModule } from '../platform/metrics/metrics';
import { PostgresSearchIndex } from './postgres/pg-search-index';
import { SEARCH_INDEX } from './search-index.port';
import { SearchIndexer } from './search-indexer';
import { SearchHitResolver, SearchResolver } from './search.resolver';
import { SearchService } from './search.service';

export const SEARCH_RESOLVERS = [SearchResolver, SearchHitResolver];

@Module({
  imports: [CatalogModule, MetricsModule],
  providers: [{ provide: SEARCH_INDEX, useClass: PostgresSearchIndex }, SearchIndexer, SearchService, ...SEARCH_RESOLVERS],
  exports: [SearchIndexer],
})
export class SearchModule {}
