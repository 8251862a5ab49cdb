/**
 * What a caller may see, as data: the access policies compile (through CASL's rulesToQuery, in access/)
 * into this, and every store applies it inside its own query — SQL for catalog lists and PostgreSQL search,
 * the query DSL for Elasticsearch — never after paging, so pages are full and counts true.
 */

/** What access rules test on a catalog entity: the same fields on every kind. */
export interface AccessAttributes {
  kind: string;
  urn: string;
  domain: string | null;
  ownerTeam: string | null;
  tags: string[];
  classifications: string[];
}

/** The access attributes of `node` rows under `alias`, for a SELECT list (columns named as AccessAttributes). */
export const accessColumns = (alias: string): string =>
  `${alias}.kind, ${alias}.urn, ${alias}.domain, ${alias}.owner_team AS "ownerTeam", ${alias}.tags, ${alias}.classifications`;

/**
 * Conditions on an entity's kind, URN, domain, owner team, tags and classifications. A rule matches an
 * entity when every field it names matches (a field matches when the entity has any of the listed values);
 * a rule naming no field matches every entity.
 */
export interface AccessRule {
  kinds?: string[];
  urns?: string[];
  domains?: string[];
  ownerTeams?: string[];
  tags?: string[];
  classifications?: string[];
}

/** Entities matching at least one `allow` rule and no `deny` rule. Absent = everything (an administrator). */
export interface AccessScope {
  allow: AccessRule[];
  deny: AccessRule[];
}

/** Parameters of one statement: `bind(v)` appends a value and returns its placeholder. */
export class Params {
  constructor(readonly values: unknown[] = []) {}
  bind(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}

/** One SQL condition per field the rule names, over the columns of `alias` (node and search_document share them). */
export function ruleConditions(rule: AccessRule & { platforms?: string[] }, p: Params, alias: string): string[] {
  const parts: string[] = [];
  const add = (sql: (v: string) => string, values: string[] | undefined) => {
    if (values?.length) parts.push(sql(p.bind(values, '::text[]')));
  };
  add((v) => `${alias}.kind = ANY(${v})`, rule.kinds);
  add((v) => `${alias}.urn = ANY(${v})`, rule.urns);
  add((v) => `${alias}.domain = ANY(${v})`, rule.domains);
  add((v) => `${alias}.owner_team = ANY(${v})`, rule.ownerTeams);
  add((v) => `${alias}.tags && ${v}`, rule.tags);
  add((v) => `${alias}.classifications && ${v}`, rule.classifications);
  add((v) => `${alias}.platform = ANY(${v})`, rule.platforms);
  return parts;
}

const anyRule = (rules: AccessRule[], p: Params, alias: string) =>
  rules.length ? rules.map((r) => `(${['true', ...ruleConditions(r, p, alias)].join(' AND ')})`).join(' OR ') : 'false';

/** The scope as SQL conditions over `alias` (empty when the scope is absent: everything is visible). */
export function scopeConditions(scope: AccessScope | undefined, p: Params, alias: string): string[] {
  if (!scope) return [];
  const parts = [`(${anyRule(scope.allow, p, alias)})`];
  if (scope.deny.length) parts.push(`NOT (${anyRule(scope.deny, p, alias)})`);
  return parts;
}
