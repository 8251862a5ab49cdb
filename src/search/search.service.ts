/** Search and suggest: validates and normalises the request, asks the active index, pages with cursors. */
import { Inject, Injectable } from '@nestjs/common';
import { InvalidInputError } from '../platform/errors/errors';
import { AccessScope, FacetName, IndexResult, IndexSuggestion, SEARCH_INDEX, SearchIndex, searchWords } from './search-index.port';
import { MAX_QUERY_LENGTH, SearchArgs } from './search.types';

const MAX_WORDS = 12;
export const MAX_SUGGESTIONS = 10;

function decodeCursor(after: string | undefined): number {
  if (!after) return 0;
  const m = /^o:(\d{1,6})$/.exec(Buffer.from(after, 'base64url').toString('utf8'));
  if (!m) throw new InvalidInputError('`after` is not a cursor this search returned.');
  return Number(m[1]);
}
const encodeCursor = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');

@Injectable()
export class SearchService {
  constructor(@Inject(SEARCH_INDEX) private readonly index: SearchIndex) {}

  /**
   * `access`: what the caller may see, pushed down into the index query; absent = everything.
   * `facets`: the facets to count (others come back empty); absent = all.
   */
  async search(
    args: SearchArgs,
    { access, facets }: { access?: AccessScope; facets?: readonly FacetName[] } = {},
  ): Promise<IndexResult & { endCursor: string | null; hasNextPage: boolean }> {
    const text = args.query.trim();
    if (text.length > MAX_QUERY_LENGTH) {
      throw new InvalidInputError(`The query has ${text.length} characters; at most ${MAX_QUERY_LENGTH}. Search for the words that matter.`);
    }
    const words = [...new Set(searchWords(text))].slice(0, MAX_WORDS).map((w) => w.slice(0, 60));
    const offset = decodeCursor(args.after);
    if (offset > 10_000) throw new InvalidInputError('Search pages reach 10,000 results deep; narrow the query or the filter.');
    const result = await this.index.search({ words, text, filter: args.filter ?? {}, offset, limit: args.first + 1, access, facets });
    const hasNextPage = result.hits.length > args.first;
    const hits = result.hits.slice(0, args.first);
    return { ...result, hits, hasNextPage, endCursor: hits.length ? encodeCursor(offset + hits.length) : null };
  }

  async suggest(prefix: string, access?: AccessScope): Promise<IndexSuggestion[]> {
    const text = prefix.trim();
    if (!text) return [];
    if (text.length > 100) throw new InvalidInputError('A suggestion prefix has at most 100 characters.');
    return this.index.suggest({ words: searchWords(text).slice(0, MAX_WORDS), prefix: text, limit: MAX_SUGGESTIONS, access });
  }
}
