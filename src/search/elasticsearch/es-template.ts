/**
 * The index template every Pedigree catalog index is created from (`<prefix>-v*`). Analyzers:
 * - `identifier`: splits on anything but letters and digits, then on case changes (snake_case, camelCase,
 *   dots and dashes become words), lowercase — the same words as `searchWords` in the port.
 * - `identifier_prefix`: the same plus edge n-grams, for "every word as a prefix" at index time (searched
 *   with `identifier`, so a query word matches the words it begins).
 * - `english` (built in) for descriptions: stemming and stop words.
 * `all` gathers every searched text (copy_to) so that "every query word somewhere" is one match query.
 */
export function indexTemplate(prefix: string) {
  const identifierText = (extra: Record<string, unknown> = {}) => ({
    type: 'text',
    analyzer: 'identifier',
    copy_to: 'all',
    ...extra,
  });
  return {
    name: prefix,
    index_patterns: [`${prefix}-v*`],
    priority: 200,
    _meta: { managed_by: 'pedigree', template_version: 1 },
    template: {
      settings: {
        number_of_shards: 1,
        analysis: {
          tokenizer: { identifier: { type: 'pattern', pattern: '[^\\p{L}\\p{N}]+' } },
          filter: {
            identifier_parts: { type: 'word_delimiter_graph', split_on_case_change: true, split_on_numerics: false, preserve_original: false },
            word_prefixes: { type: 'edge_ngram', min_gram: 1, max_gram: 24 },
          },
          analyzer: {
            identifier: { type: 'custom', tokenizer: 'identifier', filter: ['identifier_parts', 'lowercase'] },
            identifier_prefix: { type: 'custom', tokenizer: 'identifier', filter: ['identifier_parts', 'lowercase', 'word_prefixes'] },
          },
          normalizer: { lowercase: { type: 'custom', filter: ['lowercase'] } },
        },
      },
      mappings: {
        dynamic: 'strict',
        properties: {
          nodeId: { type: 'long' },
          kind: { type: 'keyword' },
          urn: { type: 'keyword' },
          name: identifierText({ fields: { exact: { type: 'keyword', normalizer: 'lowercase', ignore_above: 512 } } }),
          /** The name's words joined by one space (`searchWords`): exact and prefix name tiers. */
          nameWords: { type: 'keyword', ignore_above: 512 },
          description: { type: 'text', analyzer: 'english', copy_to: 'all' },
          columns: identifierText(),
          columnDescriptions: { type: 'text', analyzer: 'english', copy_to: 'all' },
          detail: identifierText(),
          all: {
            type: 'text',
            analyzer: 'identifier_prefix',
            search_analyzer: 'identifier',
            fields: { words: { type: 'text', analyzer: 'identifier' }, stemmed: { type: 'text', analyzer: 'english' } },
          },
          domain: { type: 'keyword' },
          ownerTeam: { type: 'keyword' },
          tags: { type: 'keyword', copy_to: 'all' },
          classifications: { type: 'keyword' },
          platform: { type: 'keyword' },
          usage: { type: 'float' },
        },
      },
    },
  };
}
