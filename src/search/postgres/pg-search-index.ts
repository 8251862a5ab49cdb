/**
 * The PostgreSQL search adapter. Documents live in `search_document`: a weighted tsvector (A: the name's
 * words, in both the `simple` and `english` configurations; B: column / feature names and tags; C:
 * descriptions and details, stemmed), the name's words, facet columns and a usage signal.
 *
 * A search costs work bounded by the page, not by how many documents match:
 * - First a block sample of about SAMPLE_ROWS documents says roughly how many match.
 * - Many (over EXACT_COUNT): total and facets are the sample's, scaled, and the result says
 *   `approximate`; the hits are chosen among the exact-name and name-prefix matches (btrees on `words`
 *   and `lower(name)`) and the first USAGE_ORDER_POOL matches read in usage order, then scored (exact name
 *   100, name prefix 20, 10 × text rank, usage) and paged.
 * - Few: one pass over every match (a bitmap scan) gives the exact total, the facets and the candidates
 *   (the name tiers and the EVERY_MATCH_POOL best used), scored and paged the same way.
 * - Words are matched whole (GIN intersects whole words fast); an unfinished last word stands for the
 *   vocabulary words it begins (`search_lexeme`: the words of names and columns). When nothing matches,
 *   each word outside the vocabulary is replaced by its most similar vocabulary words (trigrams) and the
 *   search runs again.
 */
import type { SearchDocument } from '../../catalog/search/search-documents.service';
import { Db } from '../../platform/database/db';
import { FacetCount, FacetName, IndexRebuild, IndexResult, IndexSuggestion, SearchIndex, SearchRequest, SuggestRequest } from '../search-index.port';
import {
  APPLY_SQL, FACET_COLUMNS_SQL, facetsSql, highlightsSql, Params, scoreSql, tsquerySql, visibleSql,
} from './pg-search-sql';

/** Best-used matches scored per search when many match (read in usage order), and when few do. */
const USAGE_ORDER_POOL = 100;
const EVERY_MATCH_POOL = 500;
/** Above this many expected matches, total and facets are estimated from a sample. */
const EXACT_COUNT = 10_000;
/** Documents a sample reads to estimate how many match (and the facets, when they are many). */
const SAMPLE_ROWS = 2_000;
/** Vocabulary words a last, unfinished query word stands for at most. */
const PREFIX_EXPANSIONS = 30;
/** Vocabulary words a misspelt word may stand for. */
const CORRECTIONS = 3;
/** Candidates read per suggestion tier before ranking by usage. */
const SUGGEST_POOL = 200;

type Counts = Pick<IndexResult, 'total' | 'facets' | 'approximate'>;
interface Query {
  r: SearchRequest;
  /** The query's words (for the name tiers). */
  words: string[];
  /** The lexemes each word may match: itself, its completions (the last word) or its corrections, and their stems. */
  alternatives: string[][];
  /** Whether the words are spelling corrections (then the name tiers are only a guess). */
  corrected: boolean;
}

/** One statement's bound query: the tsquery and the filter + access condition, each bound once. */
interface Bound {
  /** `d.tsv @@ …` (or `true` when browsing), then the visibility condition. */
  match: string;
  tsquery: string;
  visible: string;
}

function bind({ r, words, alternatives }: Query, p: Params): Bound {
  const tsquery = words.length ? tsquerySql(alternatives, p) : '';
  const visible = visibleSql(r.filter, r.access, p);
  return { tsquery, visible, match: `${words.length ? `d.tsv @@ ${tsquery}` : 'true'} ${visible}` };
}

/**
 * CTEs ending in \`page\` (node_id, score, highlights): candidates are the exact-name and name-prefix
 * matches and the first \`pool\` rows of \`usedMost\` (matches, best used first); they are scored and paged.
 */
function pageSql(query: Query, b: Bound, p: Params, usedMost: string, pool: number): string {
  const { r, words } = query;
  const limit = p.bind(r.limit);
  const offset = p.bind(r.offset);
  if (!words.length) {
    return `page AS (SELECT d.node_id, ln(1 + d.usage) AS score, '[]'::json AS highlights
                       FROM (${usedMost} LIMIT ${limit} OFFSET ${offset}) c JOIN search_document d USING (node_id))`;
  }
  const size = p.bind(Math.max(pool, r.offset + r.limit));
  const typed = p.bind(r.text.toLowerCase());
  const joined = p.bind(words.join(' '));
  return `candidates AS (
      (SELECT d.node_id FROM search_document d
        WHERE (lower(d.name) COLLATE "C" = ${typed} OR d.words COLLATE "C" LIKE ${joined} || '%') ${b.visible} LIMIT ${size})
      UNION
      (${usedMost} LIMIT ${size})),
    scored AS (
      SELECT d.node_id, ${scoreSql(b.tsquery, typed, joined, !query.corrected)} AS score FROM candidates c JOIN search_document d USING (node_id)
       ORDER BY score DESC, d.node_id LIMIT ${limit} OFFSET ${offset}),
    page AS (
      SELECT s.node_id, s.score, ${highlightsSql(b.tsquery)} AS highlights FROM scored s JOIN search_document d USING (node_id))`;
}

/** The "C"-collation range of the words starting with `prefix` (letters and digits): [prefix, next). */
function prefixRange(prefix: string): [string, string] {
  return [prefix, prefix.slice(0, -1) + String.fromCodePoint(prefix.codePointAt(prefix.length - 1)! + 1)];
}

/** Vocabulary words in the prefix range [lo, hi), shortest first (an unfinished word's completions). */
const completionsSql = (lo: string, hi: string) =>
  `ARRAY(SELECT l.word FROM search_lexeme l WHERE l.word >= ${lo} AND l.word < ${hi} ORDER BY length(l.word), l.word LIMIT ${PREFIX_EXPANSIONS})`;
/** A list of words with their English stems, without repeats (GIN would read a repeated word's posting list twice). */
const withStemsSql = (wordsArray: string) =>
  `ARRAY(SELECT DISTINCT x FROM unnest(${wordsArray}) AS a, unnest(a || coalesce(ts_lexize('english_stem', a), '{}')) AS x)`;

const HITS_JSON = `(SELECT COALESCE(json_agg(json_build_object('nodeId', node_id::text, 'score', score, 'highlights', highlights)
                      ORDER BY score DESC, node_id), '[]') FROM page)`;
interface Vocabulary {
  word: string;
  /** The most similar vocabulary words (up to CORRECTIONS), when the word is not one of them. */
  corrections: string[];
  /** The word and, for an unfinished last word, its completions, with their English stems. */
  lexemes: string[];
  /** The corrections (or the word), with their English stems. */
  correctedLexemes: string[];
}
type FacetRow = Record<FacetName, FacetCount[]>;

/** Bounds of the work per search (the defaults above; tests use small ones to reach the sampled path). */
export interface PostgresSearchOptions {
  exactCount: number;
  sampleRows: number;
}

export class PostgresSearchIndex implements SearchIndex {
  private rows = { n: 1, at: 0 };

  constructor(
    private readonly db: Db,
    private readonly options: PostgresSearchOptions = { exactCount: EXACT_COUNT, sampleRows: SAMPLE_ROWS },
  ) {}

  async apply(docs: SearchDocument[]): Promise<void> {
    if (docs.length) await this.db.query(APPLY_SQL, [JSON.stringify(docs)]);
  }

  async init(): Promise<void> {
    // The migrations made the tables.
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

  async search(r: SearchRequest): Promise<IndexResult> {
    const vocabulary = r.words.length ? await this.vocabulary(r.words) : [];
    const result = await this.searchWords({ r, words: r.words, alternatives: vocabulary.map((v) => v.lexemes), corrected: false });
    if (result.total > 0 || !vocabulary.some((v) => v.corrections.length)) return result;
    const words = vocabulary.map((v) => v.corrections[0] ?? v.word);
    return this.searchWords({ r, words, alternatives: vocabulary.map((v) => v.correctedLexemes), corrected: true });
  }

  /**
   * Per word: its most similar vocabulary words when it is not one of them (and has at least 4
   * characters); for the last word, when it is not a word of its own, the vocabulary words it begins (it is
   * being typed); the lexemes it matches as typed (itself and its completions) and as corrected (its
   * corrections, or itself), each with their English stems. Whole words, which GIN intersects fast,
   * unlike a prefix.
   */
  private async vocabulary(words: string[]): Promise<Vocabulary[]> {
    // `%` is trigram similarity ≥ pg_trgm.similarity_threshold, 0.3 unless the server was told otherwise.
    return this.db.query<Vocabulary>(
      `SELECT w.word, c.corrections,
              ${withStemsSql('w.word || p.completions')} AS lexemes,
              ${withStemsSql(`CASE WHEN cardinality(c.corrections) > 0 THEN c.corrections ELSE ARRAY[w.word] END`)} AS "correctedLexemes"
         FROM unnest($1::text[]) WITH ORDINALITY AS w(word, i)
         CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM search_lexeme l WHERE l.word = w.word) AS known) k
         CROSS JOIN LATERAL (SELECT CASE WHEN k.known OR length(w.word) < 4 THEN '{}'::text[] ELSE
                ARRAY(SELECT l.word FROM search_lexeme l WHERE l.word % w.word ORDER BY similarity(l.word, w.word) DESC, l.word LIMIT ${CORRECTIONS}) END AS corrections) c
         CROSS JOIN LATERAL (SELECT CASE WHEN k.known OR w.i < $2 OR length(w.word) < 2 THEN '{}'::text[] ELSE
                ${completionsSql('$3', '$4')} END AS completions) p
        ORDER BY w.i`,
      [words, words.length, ...prefixRange(words[words.length - 1])],
    );
  }

  private async searchWords(query: Query): Promise<IndexResult> {
    const estimated = await this.estimate(query);
    if (!estimated) return this.searchEveryMatch(query);
    const p = new Params();
    const b = bind(query, p);
    const page = pageSql(query, b, p, `SELECT d.node_id FROM search_document d WHERE ${b.match} ORDER BY d.usage DESC, d.node_id`, USAGE_ORDER_POOL);
    const [{ hits }] = await this.db.query<{ hits: IndexResult['hits'] }>(`WITH ${page} SELECT ${HITS_JSON} AS hits`, p.values);
    return { ...estimated, hits };
  }

  /** Few matches: one pass over all of them (a bitmap scan) for the count, the facets and the page. */
  private async searchEveryMatch(query: Query): Promise<IndexResult> {
    const p = new Params();
    const b = bind(query, p);
    const page = pageSql(query, b, p, `SELECT node_id FROM m ORDER BY usage DESC, node_id`, EVERY_MATCH_POOL);
    const [row] = await this.db.query<{ total: number; hits: IndexResult['hits'] } & FacetRow>(
      `WITH m AS MATERIALIZED (SELECT d.node_id, d.usage, ${FACET_COLUMNS_SQL} FROM search_document d WHERE ${b.match}),
       ${page}
       SELECT (SELECT count(*)::int FROM m) AS total, ${HITS_JSON} AS hits, ${facetsSql(query.r.facets)}`,
      p.values,
    );
    const { total, hits, ...facets } = row;
    return { total, hits, facets, approximate: false };
  }

  /**
   * Estimated total and facets when many documents match, from a block sample of about `sampleRows`
   * documents; null when the sample says the matches are few enough to count exactly.
   */
  private async estimate(query: Query): Promise<Counts | null> {
    const percent = Math.min(100, (100 * this.options.sampleRows) / (await this.documentCount()));
    const p = new Params();
    const [row] = await this.db.query<{ total: number } & FacetRow>(
      `WITH m AS MATERIALIZED (SELECT ${FACET_COLUMNS_SQL} FROM search_document d TABLESAMPLE SYSTEM (${percent.toFixed(4)}) REPEATABLE (1)
                                WHERE ${bind(query, p).match})
       SELECT (SELECT count(*)::int FROM m) AS total, ${facetsSql(query.r.facets)}`,
      p.values,
    );
    const { total, ...sampled } = row;
    const scale = (n: number) => Math.round((n * 100) / percent);
    if (percent === 100 || scale(total) <= this.options.exactCount) return null;
    const facets = Object.fromEntries(
      Object.entries(sampled).map(([k, list]) => [k, list.map((f) => ({ value: f.value, count: Math.max(1, scale(f.count)) }))]),
    ) as IndexResult['facets'];
    return { total: scale(total), facets, approximate: true };
  }

  /** The planner's count of documents (refreshed by autovacuum), read at most once a minute. */
  private async documentCount(): Promise<number> {
    if (Date.now() - this.rows.at > 60_000) {
      const [{ n }] = await this.db.query<{ n: number }>(`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'search_document'::regclass`);
      this.rows = { n: Math.max(1, n), at: Date.now() };
    }
    return this.rows.n;
  }

  /**
   * Names starting with the prefix (read in name order, at most SUGGEST_POOL, ranked by usage), then names
   * with the prefix's words in sequence, the last one any vocabulary word it begins (read best used first,
   * one page) — so a short prefix matching half the catalog stays cheap.
   */
  async suggest({ words, prefix, limit, access }: SuggestRequest): Promise<IndexSuggestion[]> {
    const p = new Params();
    const like = p.bind(`${prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const visible = visibleSql({}, access, p);
    const pool = p.bind(SUGGEST_POOL);
    const lim = p.bind(limit);
    const completions = words.join(' ').length >= 3 ? await this.completions(words[words.length - 1]) : [];
    // The word tier runs only when the name tier found fewer than a page (a one-time filter, not a scan);
    // it is read best used first, so a page of it is its best.
    const byWord = completions.length
      ? `, by_word AS (
         SELECT d.node_id, d.kind, d.urn, d.name, d.usage, 1 AS tier FROM search_document d
          WHERE (SELECT count(*) FROM by_name) < ${lim}
            AND d.tsv @@ to_tsquery('simple', ${p.bind([...words.slice(0, -1).map((w) => `${w}:A`), `(${completions.map((c) => `${c}:A`).join(' | ')})`].join(' <-> '))})
            ${visible} ORDER BY d.usage DESC, d.node_id LIMIT ${lim})`
      : '';
    return this.db.query<IndexSuggestion>(
      `WITH by_name AS (
         SELECT d.node_id, d.kind, d.urn, d.name, d.usage, 0 AS tier FROM search_document d
          WHERE lower(d.name) COLLATE "C" LIKE ${like} ${visible} ORDER BY lower(d.name) COLLATE "C" LIMIT ${pool})
       ${byWord}
       SELECT node_id::text AS "nodeId", kind, urn, name
         FROM (SELECT DISTINCT ON (node_id) * FROM (SELECT * FROM by_name ${completions.length ? 'UNION ALL SELECT * FROM by_word' : ''}) t
                ORDER BY node_id, tier) s
        ORDER BY tier, usage DESC, name, node_id LIMIT ${lim}`,
      p.values,
    );
  }

  /** Vocabulary words starting with `word` (itself included), shortest first. */
  private async completions(word: string): Promise<string[]> {
    const [{ words }] = await this.db.query<{ words: string[] }>(`SELECT ${completionsSql('$1', '$2')} AS words`, prefixRange(word));
    return words;
  }
}
