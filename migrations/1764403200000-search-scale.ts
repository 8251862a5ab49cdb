/**
 * Search at scale. `search_lexeme`: the words of names, column names and tags (3–40 characters, not only digits), for
 * spelling correction by trigram similarity — a vocabulary, small next to the documents, so correcting
 * `custmer` costs an index probe instead of a similarity scan over every name. A btree on `words` finds
 * the exact and prefix name tiers without the full-text index.
 */
import { MigrationInterface, QueryRunner } from 'typeorm';

const UP = `
CREATE TABLE search_lexeme (word text PRIMARY KEY);
CREATE INDEX search_lexeme_trgm ON search_lexeme USING gin (word gin_trgm_ops);
INSERT INTO search_lexeme (word)
SELECT DISTINCT w FROM search_document d, unnest(string_to_array(d.words || ' ' || d.column_words, ' ')) AS w
 WHERE length(w) BETWEEN 3 AND 40 AND w !~ '^[0-9]+$'
ON CONFLICT DO NOTHING;
CREATE INDEX search_document_words ON search_document (words text_pattern_ops);
`;

const DOWN = `
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
