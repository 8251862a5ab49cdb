/**
 * The Elasticsearch search adapter (when ELASTICSEARCH_URL is set). Layout: the alias `<prefix>` names the
 * live index (`<prefix>-v<n>`, made from the template in es-template.ts); during a rebuild the alias
 * `<prefix>-next` names the index being filled, and the outbox writes reach both, so the alias swap at the
 * end loses nothing (zero-downtime reindex). Every write is versioned externally by
 * `SearchDocument.version` (`external_gte`), so a stale document never replaces a newer one; writes name
 * aliases with `require_alias`, so a missing alias is an error, never an index created by accident.
 */
import { Client, errors, estypes } from '@elastic/elasticsearch';
import type { SearchDocument } from '../../catalog/search/search-documents.service';
import { ConflictError, PedigreeError, UnavailableError } from '../../platform/errors/errors';
import { IndexRebuild, IndexResult, IndexSuggestion, SearchIndex, SearchRequest, SuggestRequest, searchWords } from '../search-index.port';
import { searchBody, searchResult, suggestBody } from './es-query';
import { indexTemplate } from './es-template';

export interface ElasticsearchIndexOptions {
  /** Alias (and index name prefix). */
  index: string;
  /** Make writes visible to searches before they return (tests); the service relies on the refresh interval. */
  refreshOnWrite?: boolean;
  /** Milliseconds since the epoch, for naming rebuilt indices (recorded tests fix it). */
  clock?: () => number;
}

/** What Elasticsearch stores of a document (`_source`); `_id` is the node id. */
function source(d: SearchDocument) {
  return {
    nodeId: Number(d.nodeId),
    kind: d.kind,
    urn: d.urn,
    name: d.name,
    nameWords: searchWords(d.name).join(' '),
    description: d.description,
    columns: d.columns,
    columnDescriptions: d.columnDescriptions,
    detail: d.detail,
    domain: d.domain,
    ownerTeam: d.ownerTeam,
    tags: d.tags,
    classifications: d.classifications,
    platform: d.platform,
    usage: d.usage,
  };
}

/** Elasticsearch failures as Pedigree errors: the caller learns the search backend failed, not its internals. */
function unavailable(err: unknown, doing: string): PedigreeError {
  if (err instanceof PedigreeError) return err;
  if (err instanceof errors.ResponseError) {
    const type = (err.body as { error?: { type?: string } } | undefined)?.error?.type ?? `HTTP ${err.statusCode}`;
    if (type === 'index_not_found_exception') return new UnavailableError(`The search index is not there yet (${doing}); the service creates it on start. Retry shortly.`);
    return new UnavailableError(`Elasticsearch refused ${doing}: ${type}.`);
  }
  if (err instanceof errors.ElasticsearchClientError) return new UnavailableError(`Elasticsearch is unavailable (${doing}): ${err.name}. Retry shortly.`);
  return new UnavailableError(`Search failed (${doing}).`);
}

export class ElasticsearchSearchIndex implements SearchIndex {
  private readonly next: string;

  constructor(
    private readonly client: Client,
    private readonly options: ElasticsearchIndexOptions,
  ) {
    this.next = `${options.index}-next`;
  }

  private get alias(): string {
    return this.options.index;
  }

  /** Puts the template (always: it may have changed) and makes the first index when the alias is missing. */
  async init(): Promise<void> {
    try {
      await this.client.indices.putIndexTemplate(indexTemplate(this.alias) as estypes.IndicesPutIndexTemplateRequest);
      if (await this.client.indices.existsAlias({ name: this.alias })) return;
      // A fixed first name: two replicas starting together make one index, not two behind one alias.
      await this.client.indices.create({ index: `${this.alias}-v1`, aliases: { [this.alias]: {} } }, { ignore: [400] });
      if (!(await this.client.indices.existsAlias({ name: this.alias }))) {
        throw new UnavailableError(`Could not create the search index ${this.alias}-v1 (does an index named ${this.alias}-v1 exist without the alias?).`);
      }
    } catch (err) {
      throw unavailable(err, 'preparing the index');
    }
  }

  async apply(docs: SearchDocument[]): Promise<void> {
    if (!docs.length) return;
    try {
      const rebuilding = await this.client.indices.existsAlias({ name: this.next });
      await this.bulk(docs, rebuilding ? [this.alias, this.next] : [this.alias]);
    } catch (err) {
      throw unavailable(err, 'indexing');
    }
  }

  private async bulk(docs: SearchDocument[], targets: string[]): Promise<void> {
    const operations = targets.flatMap((target) =>
      docs.flatMap((d) => [
        { index: { _index: target, _id: d.nodeId, version: Number(d.version), version_type: 'external_gte' as const, require_alias: true } },
        source(d),
      ]),
    );
    const res = await this.client.bulk({ operations, refresh: this.options.refreshOnWrite ? 'wait_for' : false });
    if (!res.errors) return;
    for (const item of res.items) {
      const r = item.index;
      if (!r?.error) continue;
      // Stale (a newer version is there), or the rebuild ended between our check and this write: both fine.
      if (r.status === 409 || (r._index === this.next && r.status === 404)) continue;
      throw new UnavailableError(`Elasticsearch did not index ${r._id}: ${r.error.type}${r.error.reason ? ` (${r.error.reason})` : ''}.`);
    }
  }

  async beginRebuild(): Promise<IndexRebuild> {
    const index = `${this.alias}-v${(this.options.clock ?? Date.now)()}`;
    try {
      if (await this.client.indices.existsAlias({ name: this.next })) {
        const busy = Object.keys(await this.client.indices.getAlias({ name: this.next }));
        throw new ConflictError(
          `A rebuild is already filling ${busy.join(', ')}. Wait for it, or, if it died, delete that index and run the rebuild again.`,
        );
      }
      await this.client.indices.create({ index, aliases: { [this.next]: {} } });
    } catch (err) {
      throw unavailable(err, 'starting a rebuild');
    }
    return {
      apply: (docs) => this.bulk(docs, [this.next]).catch((err) => Promise.reject(unavailable(err, 'rebuilding'))),
      finish: () => this.swap(index).catch((err) => Promise.reject(unavailable(err, 'finishing a rebuild'))),
      abort: async () => {
        await this.client.indices.delete({ index }, { ignore: [404] });
      },
    };
  }

  /** Points the alias at the rebuilt index in one atomic step, then drops the old indices. */
  private async swap(index: string): Promise<{ removed: number }> {
    await this.client.indices.refresh({ index });
    const old = Object.keys(await this.client.indices.getAlias({ name: this.alias }));
    const before = old.length ? (await this.client.count({ index: old.join(',') })).count : 0;
    const after = (await this.client.count({ index })).count;
    await this.client.indices.updateAliases({
      actions: [
        ...old.map((o) => ({ remove: { index: o, alias: this.alias } })),
        { add: { index, alias: this.alias } },
        { remove: { index, alias: this.next } },
      ],
    });
    if (old.length) await this.client.indices.delete({ index: old.join(',') });
    return { removed: Math.max(0, before - after) };
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  async search(r: SearchRequest): Promise<IndexResult> {
    try {
      return searchResult(await this.client.search({ index: this.alias, ...searchBody(r) }));
    } catch (err) {
      throw unavailable(err, 'searching');
    }
  }

  async suggest(r: SuggestRequest): Promise<IndexSuggestion[]> {
    try {
      const res = await this.client.search<{ kind: string; urn: string; name: string }>({ index: this.alias, ...suggestBody(r) });
      return res.hits.hits.map((h) => ({ nodeId: h._id!, kind: h._source!.kind, urn: h._source!.urn, name: h._source!.name }));
    } catch (err) {
      throw unavailable(err, 'suggesting');
    }
  }
}

/** A client for the configured cluster (the URL may carry user:password; an API key is sent when given). */
export function elasticsearchClient(config: { url: string; apiKey?: string }): Client {
  return new Client({ node: config.url, auth: config.apiKey ? { apiKey: config.apiKey } : undefined, requestTimeout: 10_000, maxRetries: 2 });
}
