/**
 * The search index port. Adapters: PostgreSQL (`postgres/`, the default: tsvector with weights + pg_trgm,
 * no setup) and Elasticsearch (`elasticsearch/`, when ELASTICSEARCH_URL is set). Documents come from the
 * catalog (SearchDocumentsService); the indexer feeds them in. Both adapters pass one contract test suite
 * (test/search-contract/).
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

export type { AccessRule, AccessScope } from '../platform/auth/access-scope';
import type { AccessScope } from '../platform/auth/access-scope';

export const FACETS = ['kinds', 'domains', 'ownerTeams', 'tags', 'classifications', 'platforms'] as const;
export type FacetName = (typeof FACETS)[number];

export interface SearchRequest {
  /** Lowercase words of the query (identifiers already split); empty = browse by usage. */
  words: string[];
  /** The query as typed (trimmed), for exact-name matches. */
  text: string;
  filter: SearchFilterInput;
  offset: number;
  limit: number;
  access?: AccessScope;
  /** The facets to count (the others come back empty); absent = all. */
  facets?: readonly FacetName[];
}

export interface SuggestRequest {
  /** Lowercase words of the prefix. */
  words: string[];
  /** The prefix as typed (trimmed). */
  prefix: string;
  limit: number;
  access?: AccessScope;
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
  /** True when total and facets are estimates (many matches); the hits are ranked all the same. */
  approximate: boolean;
  facets: Record<FacetName, FacetCount[]>;
}

export interface IndexSuggestion {
  nodeId: string;
  kind: string;
  urn: string;
  name: string;
}

/** A full rebuild in progress: documents applied here replace the index's content when it finishes. */
export interface IndexRebuild {
  apply(docs: SearchDocument[]): Promise<void>;
  /** Makes the rebuilt content the live one; returns how many documents left the index. */
  finish(): Promise<{ removed: number }>;
  /** Gives up; the live index is as it was (plus whatever the outbox applied meanwhile). */
  abort(): Promise<void>;
}

export interface SearchIndex {
  /** Readies the backing store (templates, the first index); idempotent. */
  init(): Promise<void>;
  /**
   * Adds or replaces documents. A document never replaces a newer one of the same entity (by
   * `SearchDocument.version`), so concurrent indexers and a rebuild running beside the outbox cannot
   * bring back stale content.
   */
  apply(docs: SearchDocument[]): Promise<void>;
  /**
   * Starts a rebuild from scratch. Searches keep answering from the live content meanwhile, and documents
   * applied through `apply` during the rebuild reach the rebuilt content too.
   */
  beginRebuild(): Promise<IndexRebuild>;
  search(request: SearchRequest): Promise<IndexResult>;
  suggest(request: SuggestRequest): Promise<IndexSuggestion[]>;
  /** Releases connections (service shutdown). */
  close(): Promise<void>;
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
