/**
 * Query DSL for the Elasticsearch adapter, built only from structured values: the caller's words go into
 * `match`/`term` queries as values, never into `query_string` syntax, so query characters (`"`, `:`, `*`,
 * `(`, `\`) and DSL fragments are just text. Filters and the access scope are `filter` clauses, so pages
 * are full, and totals and facets count only what the caller may see.
 */
import type { estypes } from '@elastic/elasticsearch';
import { AccessRule, AccessScope, FacetCount, FacetName, FACETS, IndexResult, SearchRequest, SuggestRequest } from '../search-index.port';

type Query = estypes.QueryDslQueryContainer;

/** Index fields of the port's filter and access fields. */
const FIELDS: Record<FacetName, string> = {
  kinds: 'kind',
  domains: 'domain',
  ownerTeams: 'ownerTeam',
  tags: 'tags',
  classifications: 'classifications',
  platforms: 'platform',
};
export const FACET_SIZE = 20;

function fieldClauses(fields: AccessRule & { platforms?: string[] }): Query[] {
  const clauses: Query[] = FACETS.filter((f) => fields[f]?.length).map((f) => ({ terms: { [FIELDS[f]]: fields[f]! } }));
  if (fields.urns?.length) clauses.push({ terms: { urn: fields.urns } });
  return clauses;
}

const ruleQuery = (rule: AccessRule): Query => {
  const clauses = fieldClauses(rule);
  return clauses.length ? { bool: { filter: clauses } } : { match_all: {} };
};

/** The filter and the access scope as filter / must_not clauses. */
export function visibility(filter: SearchRequest['filter'], access: AccessScope | undefined): { filter: Query[]; must_not: Query[] } {
  const out = { filter: fieldClauses(filter), must_not: [] as Query[] };
  if (access) {
    out.filter.push(access.allow.length ? { bool: { should: access.allow.map(ruleQuery), minimum_should_match: 1 } } : { match_none: {} });
    out.must_not.push(...access.deny.map(ruleQuery));
  }
  return out;
}

/** Every word somewhere (as a word prefix, a stemmed word, or within typo distance), ranked name > columns > description. */
function textQuery(r: SearchRequest): Query {
  const words = r.words.join(' ');
  return {
    bool: {
      must: [
        {
          bool: {
            should: [
              { match: { all: { query: words, operator: 'and' } } },
              { match: { 'all.stemmed': { query: words, operator: 'and' } } },
              { match: { 'all.words': { query: words, operator: 'and', fuzziness: 'AUTO', prefix_length: 1 } } },
            ],
            minimum_should_match: 1,
          },
        },
      ],
      should: [
        { constant_score: { filter: { term: { 'name.exact': r.text.toLowerCase() } }, boost: 100 } },
        { constant_score: { filter: { term: { nameWords: words } }, boost: 100 } },
        { constant_score: { filter: { prefix: { nameWords: words } }, boost: 20 } },
        { match: { name: { query: words, boost: 3 } } },
        { match: { columns: { query: words, boost: 2 } } },
        { match: { description: { query: words } } },
      ],
    },
  };
}

export function searchBody(r: SearchRequest): estypes.SearchRequest {
  const { filter, must_not } = visibility(r.filter, r.access);
  const browse = r.words.length === 0;
  const main: Query = browse ? { match_all: {} } : textQuery(r);
  return {
    from: r.offset,
    size: r.limit,
    track_total_hits: true,
    _source: false,
    query: {
      function_score: {
        query: { bool: { must: [main], filter, must_not } },
        functions: [{ field_value_factor: { field: 'usage', modifier: 'ln1p', factor: browse ? 1 : 0.5, missing: 0 } }],
        boost_mode: browse ? 'replace' : 'sum',
      },
    },
    sort: [{ _score: { order: 'desc' } }, { nodeId: { order: 'asc' } }],
    aggs: Object.fromEntries((r.facets ?? FACETS).map((f) => [f, { terms: { field: FIELDS[f], size: FACET_SIZE, order: [{ _count: 'desc' }, { _key: 'asc' }] } }])),
    ...(browse
      ? {}
      : {
          highlight: {
            pre_tags: ['<mark>'],
            post_tags: ['</mark>'],
            require_field_match: false,
            fields: {
              name: { number_of_fragments: 0 },
              description: { fragment_size: 150, number_of_fragments: 2 },
              columns: { fragment_size: 60, number_of_fragments: 3 },
            },
          },
        }),
  };
}

type Buckets = { buckets: { key: string; doc_count: number }[] };

export function searchResult(res: estypes.SearchResponse): IndexResult {
  const total = typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
  const aggs = (res.aggregations ?? {}) as Record<string, Buckets>;
  const facets = Object.fromEntries(
    FACETS.map((f) => [f, (aggs[f]?.buckets ?? []).map((b): FacetCount => ({ value: String(b.key), count: b.doc_count }))]),
  ) as IndexResult['facets'];
  return {
    total,
    approximate: false,
    facets,
    hits: res.hits.hits.map((h) => ({
      nodeId: h._id!,
      score: Number(h._score ?? h.sort?.[0] ?? 0),
      highlights: Object.entries(h.highlight ?? {}).map(([field, fragments]) => ({ field, fragment: fragments.join(' … ') })),
    })),
  };
}

/** Names starting with the prefix first, then names with a word sequence starting with it; each tier by usage. */
export function suggestBody(r: SuggestRequest): estypes.SearchRequest {
  const { filter, must_not } = visibility({}, r.access);
  const words = r.words.join(' ');
  const tiers: Query[] = [{ constant_score: { filter: { prefix: { 'name.exact': r.prefix.toLowerCase() } }, boost: 2 } }];
  if (words.length >= 3) tiers.push({ constant_score: { filter: { match_phrase_prefix: { name: { query: words } } }, boost: 1 } });
  return {
    size: r.limit,
    _source: ['kind', 'urn', 'name'],
    query: { bool: { should: tiers, minimum_should_match: 1, filter, must_not } },
    sort: [{ _score: { order: 'desc' } }, { usage: { order: 'desc' } }, { 'name.exact': { order: 'asc' } }, { nodeId: { order: 'asc' } }],
  };
}
