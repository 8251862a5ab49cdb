/**
 * The search index port. Adapters: PostgreSQL (`postgres/`, the default: tsvector with weights + pg_trgm,
 * no setup). Documents come from the catalog (SearchDocumentsService); the indexer feeds them in.
 */
import type { SearchDocument } from '../catalog/search/search-documents.service';

export interface SearchFilterInput {
  kinds?: string[];
  domains?: string[];
  ownerTeams?: string[];
  tags?: string[];
  classifications?: string[];
  platforms?: string[];
}

export interface SearchRequest {
  /** Lowercase words of the query (identifiers already split); empty = browse by usage. */
  words: string[];
  /** The query as typed (trimmed), for exact-name matches. */
  text: string;
  filter: SearchFilterInput;
  offset: number;
  limit: number;
}

export interface IndexHit {
  nodeId: string;
  score: number;
  highlights: { field: string; fragment: string }[];
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface IndexResult {
  hits: IndexHit[];
  total: number;
  facets: Record<'kinds' | 'domains' | 'ownerTeams' | 'tags' | 'classifications' | 'platforms', FacetCount[]>;
}

export interface IndexSuggestion {
  nodeId: string;
  kind: string;
  urn: string;
  name: string;
}

export interface SearchIndex {
  /** Adds or replaces documents. */
  apply(docs: SearchDocument[]): Promise<void>;
  /** The index's own clock (documents are stamped with it). */
  clock(): Promise<Date>;
  /** Removes documents last written before `time` (after a full reindex); returns how many. */
  removeIndexedBefore(time: Date): Promise<number>;
  search(request: SearchRequest): Promise<IndexResult>;
  suggest(words: string[], prefix: string, limit: number): Promise<IndexSuggestion[]>;
}

export const SEARCH_INDEX = Symbol('SEARCH_INDEX');

/** Identifier-aware words: snake_case, camelCase, dots and dashes split; lowercase letters and digits only. */
export function searchWords(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}
