/**
 * SQL of the PostgreSQL search adapter: the upsert of documents, conditions for the filter and the
 * access scope, the full-text query of a list of words, scores, highlights and facet counts. Everything
 * the caller typed is a bound parameter.
 */
import { AccessRule, AccessScope, Params, ruleConditions, scopeConditions } from '../../platform/auth/access-scope';
import { FacetName, FACETS } from '../search-index.port';

export { Params };

/**
 * Upserts documents and adds their words to the vocabulary used for spelling correction. A document
 * replaces the stored one only when it is not older (see SearchDocument.version); its version becomes
 * `indexed_at`, exactly (whole seconds plus the microseconds, no floating point on the way).
 */
export const APPLY_SQL = `
WITH x AS (
  SELECT x.*, search_words(x.name) AS name_words, search_words(x.columns) AS column_words
    FROM jsonb_to_recordset($1::jsonb) AS x("nodeId" text, kind text, urn text, name text, description text, columns text,
         "columnDescriptions" text, detail text, domain text, "ownerTeam" text, tags text[], classifications text[], platform text,
         usage float8, version bigint)),
docs AS (
  INSERT INTO search_document AS s (node_id, kind, urn, name, words, description, column_words, detail, domain, owner_team,
                                    tags, classifications, platform, usage, tsv, indexed_at)
  SELECT x."nodeId"::bigint, x.kind, x.urn, x.name, x.name_words, x.description, x.column_words,
         search_words(x.detail), x.domain, x."ownerTeam", x.tags, x.classifications, x.platform, x.usage,
         setweight(to_tsvector('simple', x.name_words), 'A') || setweight(to_tsvector('english', x.name_words), 'A') ||
         setweight(to_tsvector('simple', x.column_words || ' ' || array_to_string(x.tags, ' ')), 'B') ||
         setweight(to_tsvector('english', coalesce(x.description, '') || ' ' || x."columnDescriptions" || ' ' || search_words(x.detail)), 'C'),
         to_timestamp(x.version / 1000000) + (x.version % 1000000) * interval '1 microsecond'
    FROM x
  ON CONFLICT (node_id) DO UPDATE SET kind = EXCLUDED.kind, urn = EXCLUDED.urn, name = EXCLUDED.name, words = EXCLUDED.words,
    description = EXCLUDED.description, column_words = EXCLUDED.column_words, detail = EXCLUDED.detail, domain = EXCLUDED.domain,
    owner_team = EXCLUDED.owner_team, tags = EXCLUDED.tags, classifications = EXCLUDED.classifications, platform = EXCLUDED.platform,
    usage = EXCLUDED.usage, tsv = EXCLUDED.tsv, indexed_at = EXCLUDED.indexed_at
  WHERE s.indexed_at <= EXCLUDED.indexed_at),
vocabulary AS (
  INSERT INTO search_lexeme (word)
  SELECT DISTINCT w FROM x, unnest(string_to_array(x.name_words || ' ' || x.column_words, ' ')) AS w
   WHERE length(w) BETWEEN 3 AND 40 AND w !~ '^[0-9]+$'
  ON CONFLICT DO NOTHING)
SELECT 1`;

type Fields = AccessRule & { platforms?: string[] };

/** The filter and the caller's access scope as one SQL condition over `d` (`AND …`, or nothing). */
export function visibleSql(filter: Fields, access: AccessScope | undefined, p: Params): string {
  const parts = [...ruleConditions(filter, p, 'd'), ...scopeConditions(access, p, 'd')];
  return parts.length ? `AND ${parts.join(' AND ')}` : '';
}

/**
 * Every word, as any of its lexemes (itself, the vocabulary words it begins when it is being typed, or its
 * spelling corrections, and their English stems), as one tsquery constant — so the planner sees it. Whole
 * words keep the GIN scan cheap: a `word:*` prefix would make PostgreSQL merge the posting lists of every
 * word it begins first. Lexemes are letters and digits only (`searchWords`, the vocabulary), safe to quote.
 */
export function tsquerySql(alternatives: string[][], p: Params): string {
  const text = alternatives.map((a) => `(${a.map((l) => `'${l.replace(/[^\p{L}\p{N}]/gu, '')}'`).join(' | ')})`).join(' & ');
  return `${p.bind(text)}::tsquery`;
}

/**
 * Exact name (as typed, or its words) 100, name starting with the words 20, with `inOrder` the words in
 * this order anywhere in the name (after a schema, say) 10, then text rank and usage.
 */
export function scoreSql(tsquery: string, typed: string, joined: string, inOrder: boolean): string {
  return `(CASE WHEN lower(d.name) COLLATE "C" = ${typed} OR d.words COLLATE "C" = ${joined} THEN 100 ELSE 0 END)
        + (CASE WHEN d.words COLLATE "C" LIKE ${joined} || '%' THEN 20 ELSE 0 END)
        ${inOrder ? `+ (CASE WHEN strpos(' ' || d.words || ' ', ' ' || ${joined} || ' ') > 0 THEN 10 ELSE 0 END)` : ''}
        + 10 * ts_rank(d.tsv, ${tsquery}) + 0.5 * ln(1 + d.usage)`;
}

export function highlightsSql(tsquery: string): string {
  return `(SELECT COALESCE(json_agg(json_build_object('field', h.field, 'fragment', h.fragment)), '[]')
             FROM (VALUES ('name', ts_headline('simple', d.name, ${tsquery}, 'HighlightAll=true, StartSel=<mark>, StopSel=</mark>')),
                          ('description', ts_headline('english', coalesce(d.description, ''), ${tsquery}, 'MaxFragments=2, MaxWords=20, MinWords=5, StartSel=<mark>, StopSel=</mark>')),
                          ('columns', ts_headline('simple', d.column_words, ${tsquery}, 'MaxFragments=3, MaxWords=8, MinWords=1, StartSel=<mark>, StopSel=</mark>'))) AS h(field, fragment)
            WHERE h.fragment LIKE '%<mark>%')`;
}

const FACET_COLUMNS: Record<FacetName, [string, boolean]> = {
  kinds: ['kind', false],
  domains: ['domain', false],
  ownerTeams: ['owner_team', false],
  tags: ['tags', true],
  classifications: ['classifications', true],
  platforms: ['platform', false],
};

/** The top 20 values of each facet asked for, over `m` (the facet columns of the matches); the others empty. */
export function facetsSql(wanted: readonly FacetName[] = FACETS): string {
  return FACETS.map((name) => {
    if (!wanted.includes(name)) return `'[]'::json AS "${name}"`;
    const [column, array] = FACET_COLUMNS[name];
    return `(SELECT COALESCE(json_agg(json_build_object('value', v, 'count', c) ORDER BY c DESC, v), '[]') FROM (
      SELECT v, count(*)::int AS c FROM m, ${array ? `unnest(m.${column})` : `LATERAL (SELECT m.${column})`} AS f(v)
       WHERE v IS NOT NULL GROUP BY v ORDER BY c DESC, v LIMIT 20) x) AS "${name}"`;
  }).join(',\n       ');
}

export const FACET_COLUMNS_SQL = 'd.kind, d.domain, d.owner_team, d.tags, d.classifications, d.platform';
