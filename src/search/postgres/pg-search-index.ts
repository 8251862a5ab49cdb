/**
 * The PostgreSQL search adapter. Documents live in `search_document`: a weighted tsvector (A: the name's
 * words, in both the `simple` and `english` configurations; B: column / feature names and tags; C:
 * descriptions and details, stemmed), the name's words for trigram similarity (typos), facet columns and a
 * usage signal. A query matches by full text (every word, as a prefix), or — when that finds nothing — by
 * trigram word similarity; ranking puts exact names first, then name prefixes, then weighted text rank (or
 * similarity) and usage. Facets are counted over all matches in the same statement.
 */
import { Injectable } from '@nestjs/common';
import type { SearchDocument } from '../../catalog/search/search-documents.service';
import { Db, Sql } from '../../platform/database/db';
import { AccessRule, AccessScope, FacetCount, IndexRebuild, IndexResult, IndexSuggestion, SearchIndex, SearchRequest, SuggestRequest } from '../search-index.port';

// A document replaces the stored one only when it is not older (see SearchDocument.version); its version
// becomes `indexed_at`, exactly (whole seconds plus the microseconds, no floating point on the way).
const APPLY_SQL = `
INSERT INTO search_document AS s (node_id, kind, urn, name, words, description, column_words, detail, domain, owner_team,
                                  tags, classifications, platform, usage, tsv, indexed_at)
SELECT x."nodeId"::bigint, x.kind, x.urn, x.name, search_words(x.name), x.description, search_words(x.columns),
       search_words(x.detail), x.domain, x."ownerTeam", x.tags, x.classifications, x.platform, x.usage,
       setweight(to_tsvector('simple', search_words(x.name)), 'A') || setweight(to_tsvector('english', search_words(x.name)), 'A') ||
       setweight(to_tsvector('simple', search_words(x.columns) || ' ' || array_to_string(x.tags, ' ')), 'B') ||
       setweight(to_tsvector('english', coalesce(x.description, '') || ' ' || x."columnDescriptions" || ' ' || search_words(x.detail)), 'C'),
       to_timestamp(x.version / 1000000) + (x.version % 1000000) * interval '1 microsecond'
  FROM jsonb_to_recordset($1::jsonb) AS x("nodeId" text, kind text, urn text, name text, description text, columns text,
       "columnDescriptions" text, detail text, domain text, "ownerTeam" text, tags text[], classifications text[], platform text,
       usage float8, version bigint)
ON CONFLICT (node_id) DO UPDATE SET kind = EXCLUDED.kind, urn = EXCLUDED.urn, name = EXCLUDED.name, words = EXCLUDED.words,
  description = EXCLUDED.description, column_words = EXCLUDED.column_words, detail = EXCLUDED.detail, domain = EXCLUDED.domain,
  owner_team = EXCLUDED.owner_team, tags = EXCLUDED.tags, classifications = EXCLUDED.classifications, platform = EXCLUDED.platform,
  usage = EXCLUDED.usage, tsv = EXCLUDED.tsv, indexed_at = EXCLUDED.indexed_at
WHERE s.indexed_at <= EXCLUDED.indexed_at`;

type Fields = AccessRule & { platforms?: string[] };

/** One SQL condition per field the rule names, over `d`, its values bound as parameters appended to `params`. */
function fieldConditions(fields: Fields, params: unknown[]): string[] {
  const parts: string[] = [];
  const add = (sql: (p: string) => string, values: string[] | undefined) => {
    if (!values?.length) return;
    params.push(values);
    parts.push(sql(`$${params.length}::text[]`));
  };
  add((p) => `d.kind = ANY(${p})`, fields.kinds);
  add((p) => `d.domain = ANY(${p})`, fields.domains);
  add((p) => `d.owner_team = ANY(${p})`, fields.ownerTeams);
  add((p) => `d.tags && ${p}`, fields.tags);
  add((p) => `d.classifications && ${p}`, fields.classifications);
  add((p) => `d.platform = ANY(${p})`, fields.platforms);
  return parts;
}

const anyRule = (rules: AccessRule[], params: unknown[]) =>
  rules.length ? rules.map((r) => `(${['true', ...fieldConditions(r, params)].join(' AND ')})`).join(' OR ') : 'false';

/** The filter and the caller's access scope as one SQL condition over `d` (`AND …`, or nothing). */
function whereSql(filter: Fields, access: AccessScope | undefined, params: unknown[]): string {
  const parts = fieldConditions(filter, params);
  if (access) {
    parts.push(`(${anyRule(access.allow, params)})`);
    if (access.deny.length) parts.push(`NOT (${anyRule(access.deny, params)})`);
  }
  return parts.length ? `AND ${parts.join(' AND ')}` : '';
}

const FACET = (column: string, unnest = false) =>
  `(SELECT COALESCE(json_agg(json_build_object('value', v, 'count', c) ORDER BY c DESC, v), '[]') FROM (
      SELECT v, count(*)::int AS c FROM m, ${unnest ? `unnest(m.${column})` : `LATERAL (SELECT m.${column})`} AS f(v)
       WHERE v IS NOT NULL GROUP BY v ORDER BY c DESC, v LIMIT 20) x)`;

const SIMILARITY = 0.45;
/** Candidates read per suggestion tier before ranking by usage. */
const SUGGEST_POOL = 200;

@Injectable()
export class PostgresSearchIndex implements SearchIndex {
  constructor(private readonly db: Db) {}

  async apply(docs: SearchDocument[]): Promise<void> {
    if (docs.length) await this.db.query(APPLY_SQL, [JSON.stringify(docs)]);
  }

  async init(): Promise<void> {
    // The migrations made the table.
  }

  async close(): Promise<void> {
    // The pool is the database module's.
  }

  /**
   * Rebuilds in place: every document the rebuild writes is stamped with its (later) version, so when it
   * finishes, documents stamped before it started are those of entities no longer searchable.
   */
  async beginRebuild(): Promise<IndexRebuild> {
    const [{ started }] = await this.db.query<{ started: string }>(`SELECT clock_timestamp()::text AS started`);
    return {
      apply: (docs) => this.apply(docs),
      finish: async () => {
        const rows = await this.db.query(`DELETE FROM search_document WHERE indexed_at < $1::timestamptz RETURNING node_id`, [started]);
        return { removed: rows.length };
      },
      abort: async () => undefined,
    };
  }

  /**
   * Full text first; only when it finds nothing, trigram similarity of the query to the names' words (typos).
   * Similarity is costly per row, so it never runs over the (possibly many) full-text matches.
   */
  async search(r: SearchRequest): Promise<IndexResult> {
    if (r.words.length === 0) return this.run(r, 'browse');
    const text = await this.run(r, 'text');
    if (text.total > 0 || r.words.join(' ').length < 3) return text;
    return this.run(r, 'fuzzy');
  }

  private async run(r: SearchRequest, mode: 'browse' | 'text' | 'fuzzy'): Promise<IndexResult> {
    // $1 tsquery text, $2 the words joined, $3 the text as typed (lowercase), $4 limit, $5 offset
    const tsquery = r.words.map((w) => `${w}:*`).join(' & ');
    const params: unknown[] = [tsquery, r.words.join(' '), r.text.toLowerCase(), r.limit, r.offset];
    const filters = whereSql(r.filter, r.access, params);
    const names = `(CASE WHEN lower(d.name) = q.typed OR d.words = q.words THEN 100 ELSE 0 END)
         + (CASE WHEN d.words LIKE q.words || '%' THEN 20 ELSE 0 END)`;
    const { match, score } = {
      browse: { match: 'true', score: 'ln(1 + d.usage)' },
      text: { match: 'd.tsv @@ (q.simple || q.english)', score: `${names} + 10 * ts_rank(d.tsv, q.simple || q.english) + 0.5 * ln(1 + d.usage)` },
      fuzzy: { match: 'q.words <% d.words', score: `${names} + 10 * word_similarity(q.words, d.words) + 0.5 * ln(1 + d.usage)` },
    }[mode];
    const highlights =
      mode === 'browse'
        ? `'[]'::json`
        : `(SELECT COALESCE(json_agg(json_build_object('field', h.field, 'fragment', h.fragment)), '[]')
                   FROM (VALUES ('name', ts_headline('simple', d.name, q.simple, 'HighlightAll=true, StartSel=<mark>, StopSel=</mark>')),
                                ('description', ts_headline('english', coalesce(d.description, ''), q.english || q.simple, 'MaxFragments=2, MaxWords=20, MinWords=5, StartSel=<mark>, StopSel=</mark>')),
                                ('columns', ts_headline('simple', d.column_words, q.simple, 'MaxFragments=3, MaxWords=8, MinWords=1, StartSel=<mark>, StopSel=</mark>'))) AS h(field, fragment)
                  WHERE h.fragment LIKE '%<mark>%')`;
    const sql = `
      WITH q AS (SELECT to_tsquery('simple', $1) AS simple, to_tsquery('english', $1) AS english, $2::text AS words, $3::text AS typed),
      m AS MATERIALIZED (
        SELECT d.node_id, d.kind, d.domain, d.owner_team, d.tags, d.classifications, d.platform, ${score} AS score
          FROM search_document d, q WHERE ${match} ${filters}),
      page AS (SELECT node_id, score FROM m ORDER BY score DESC, node_id LIMIT $4 OFFSET $5)
      SELECT (SELECT count(*)::int FROM m) AS total,
             (SELECT COALESCE(json_agg(json_build_object('nodeId', p.node_id::text, 'score', p.score, 'highlights', ${highlights})
                ORDER BY p.score DESC, p.node_id), '[]')
                FROM page p JOIN search_document d ON d.node_id = p.node_id) AS hits,
             ${FACET('kind')} AS kinds, ${FACET('domain')} AS domains, ${FACET('owner_team')} AS "ownerTeams",
             ${FACET('tags', true)} AS tags, ${FACET('classifications', true)} AS classifications, ${FACET('platform')} AS platforms
        FROM q`;
    return this.db.transaction(async (tx: Sql) => {
      if (mode === 'fuzzy') await tx.query(`SET LOCAL pg_trgm.word_similarity_threshold = ${SIMILARITY}`);
      const [row] = await tx.query<{ total: number; hits: IndexResult['hits'] } & Record<string, FacetCount[]>>(sql, params);
      return {
        total: row.total,
        hits: row.hits,
        facets: {
          kinds: row.kinds, domains: row.domains, ownerTeams: row.ownerTeams,
          tags: row.tags, classifications: row.classifications, platforms: row.platforms,
        },
      };
    });
  }

  /**
   * Names starting with the prefix, then names with a word starting with it — each read in index order and
   * bounded (SUGGEST_POOL) before ranking by usage, so a short prefix matching half the catalog stays cheap.
   */
  async suggest({ words, prefix, limit, access }: SuggestRequest): Promise<IndexSuggestion[]> {
    const like = `${prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const params: unknown[] = [like, words.join(' '), limit, SUGGEST_POOL];
    const visible = whereSql({}, access, params);
    return this.db.query<IndexSuggestion>(
      `WITH by_name AS (
         SELECT node_id, kind, urn, name, usage, 0 AS tier FROM search_document d
          WHERE lower(name) LIKE $1 ${visible} ORDER BY lower(name) LIMIT $4),
       by_word AS (
         SELECT node_id, kind, urn, name, usage, 1 AS tier FROM search_document d
          WHERE length($2) >= 3 AND (SELECT count(*) FROM by_name) < $3 AND (words LIKE $2 || '%' OR words LIKE '% ' || $2 || '%')
            AND node_id NOT IN (SELECT node_id FROM by_name) ${visible}
          LIMIT $4)
       SELECT node_id::text AS "nodeId", kind, urn, name
         FROM (SELECT * FROM by_name UNION ALL SELECT * FROM by_word) s
        ORDER BY tier, usage DESC, name, node_id LIMIT $3`,
      params,
    );
  }
}
