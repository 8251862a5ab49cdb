/**
 * The search adapter contract on a real Elasticsearch cluster: `ELASTICSEARCH_URL=http://localhost:9200
 * npm run test:search` (docker-compose.yml has one). Each run uses indices of its own and removes them.
 * Without ELASTICSEARCH_URL this file reports one skipped test saying so (no cluster runs on the build
 * machines; the adapter is held to recorded exchanges by search-elasticsearch.test.ts there).
 */
import { after, it } from 'node:test';
import { Client } from '@elastic/elasticsearch';
import { ElasticsearchSearchIndex } from '../src/search/elasticsearch/es-search-index';
import { searchContract } from './search-contract/contract';

const url = process.env.ELASTICSEARCH_URL;
if (url) {
  const prefix = `pedigree-contract-${process.pid}`;
  const client = new Client({ node: url, auth: process.env.ELASTICSEARCH_API_KEY ? { apiKey: process.env.ELASTICSEARCH_API_KEY } : undefined });
  after(async () => {
    await client.indices.delete({ index: `${prefix}-v*` }, { ignore: [404] });
    await client.indices.deleteIndexTemplate({ name: prefix }, { ignore: [404] });
    await client.close();
  });
  searchContract('Elasticsearch', async () => new ElasticsearchSearchIndex(client, { index: prefix, refreshOnWrite: true }));
} else {
  it('search adapter contract: Elasticsearch', { skip: 'ELASTICSEARCH_URL is not set (see README, "Search")' }, () => undefined);
}
