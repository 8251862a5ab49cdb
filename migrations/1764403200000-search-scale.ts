/**
 * Search at scale. `search_lexeme`: the words of names and column names (3–40 characters, not only
 * digits), for spelling correction by trigram similarity and for completing a word being typed — a vocabulary, small
 * next to the documents, so correcting `custmer` costs an index probe instead of a similarity scan over
 * every name. Btrees on `words` and `lower(name)` in the "C" collation find the exact and prefix name tiers
 * in index order whatever the database's collation (text_pattern_ops serves LIKE but not ORDER BY). The
 * trigram index over every name's words goes: spelling correction asks the vocabulary instead, and it was
 * the most expensive index to keep up while indexing.
 */
import { MigrationInterface, QueryRunner } from 'typeorm';

const UP = `
CREATE TABLE search_lexeme (word text COLLATE "C" PRIMARY KEY);
CREATE INDEX search_lexeme_trgm ON search_lexeme USING gin (word gin_trgm_ops);
INSERT INTO search_lexeme (word)
SELECT DISTINCT w FROM search_document d, unnest(string_to_array(d.words || ' ' || d.column_words, ' ')) AS w
 WHERE length(w) BETWEEN 3 AND 40 AND w !~ '^[0-9]+$'
ON CONFLICT DO NOTHING;
CREATE INDEX search_document_words ON search_document ((words COLLATE "C"));
DROP INDEX search_document_name;
CREATE INDEX search_document_name ON search_document ((lower(name) COLLATE "C"));
DROP INDEX search_document_words_trgm;
`;

const DOWN = `
CREATE INDEX search_document_words_trgm ON search_document USING gin (words gin_trgm_ops);
DROP INDEX search_document_name;
CREATE INDEX search_document_name ON search_document (lower(name) text_pattern_ops);
DROP INDEX search_document_words;
DROP TABLE search_lexeme;
`;

export class SearchScale1764403200000 implements MigrationInterface {
  name = 'SearchScale1764403200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(UP);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(DOWN);
  }
}
