/** The configured search adapter: Elasticsearch when ELASTICSEARCH_URL is set, PostgreSQL otherwise. */
import type { PedigreeConfig } from '../platform/config/config';
import type { Db } from '../platform/database/db';
import { ElasticsearchSearchIndex, elasticsearchClient } from './elasticsearch/es-search-index';
import { PostgresSearchIndex } from './postgres/pg-search-index';
import type { SearchIndex } from './search-index.port';

export function searchIndexFor(config: PedigreeConfig, db: Db): SearchIndex {
  return config.elasticsearch
    ? new ElasticsearchSearchIndex(elasticsearchClient(config.elasticsearch), { index: config.elasticsearch.index })
    : new PostgresSearchIndex(db);
}
