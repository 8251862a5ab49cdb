/**
 * Compiles a principal's roles and the stored policies that apply to it into one CASL ability — the only
 * thing any check consults — and turns an ability back into an AccessScope (CASL's rulesToQuery) for
 * stores to apply inside their queries.
 *
 * Roles are fixed bundles: reader (read metadata), writer (+ register and change, ingest), ingester (the
 * ingestion routes only), auditor (read metadata + the audit log), admin (everything). Policies add allow
 * rules, then deny rules, so a deny always wins. `readData` is never part of a role below admin: it comes
 * from a policy or an approved access request.
 */
import { AbilityBuilder, createMongoAbility, ForcedSubject, MongoAbility, MongoQuery, subject } from '@casl/ability';
import { rulesToQuery } from '@casl/ability/extra';
import type { AccessAttributes, AccessRule, AccessScope } from '../platform/auth/access-scope';
import type { Action, Subject } from '../platform/auth/auth.decorators';
import { CALLER_TEAMS, PolicyAction, PolicyEffect } from './policy.types';
import { Role } from './principal.types';
import type { StoredPolicy } from './policy.repository';

/** The attributes of a catalog entity that policies can test. */
export type EntityAttributes = AccessAttributes;

type CatalogSubject = EntityAttributes & ForcedSubject<'Catalog'>;
export type AppAbility = MongoAbility<[Action | 'manage', Subject | 'all' | CatalogSubject]>;

export interface AbilityOwner {
  name: string;
  roles: readonly string[];
  teams: readonly string[];
}

/** Tags an entity (any object with the attributes) as a catalog subject for `ability.can`. */
export function catalogSubject(e: EntityAttributes): CatalogSubject {
  return subject('Catalog', {
    kind: e.kind,
    urn: e.urn,
    domain: e.domain ?? null,
    ownerTeam: e.ownerTeam ?? null,
    tags: e.tags ?? [],
    classifications: e.classifications ?? [],
  });
}

/** Whether the policy names this principal, one of its teams or one of its roles. */
export function appliesTo(p: StoredPolicy, owner: AbilityOwner): boolean {
  return p.principals.includes(owner.name) || p.teams.some((t) => owner.teams.includes(t)) || p.roles.some((r) => owner.roles.includes(r));
}

/** The policy's conditions as a CASL (MongoDB-style) query; undefined when it names none. */
export function policyConditions(p: StoredPolicy, owner: AbilityOwner): MongoQuery | undefined {
  const q: Record<string, { $in: string[] }> = {};
  const put = (field: string, values: readonly string[]) => {
    if (values.length) q[field] = { $in: [...values] };
  };
  put('kind', p.kinds);
  put('urn', p.urns);
  put('domain', p.domains);
  put('ownerTeam', p.ownerTeams.flatMap((t) => (t === CALLER_TEAMS ? owner.teams : [t])));
  // "The caller's own teams" for a caller in no team matches nothing, not everything.
  if (p.ownerTeams.length && !q.ownerTeam) q.ownerTeam = { $in: [] };
  put('tags', p.tags);
  put('classifications', p.classifications);
  return Object.keys(q).length ? (q as MongoQuery) : undefined;
}

/**
 * Whether a policy's conditions cover an entity, whoever it applies to (`$callerTeams` covers any owner
 * team: the policy speaks for that team's members). For reports: "which policies govern this?".
 */
export function policyCovers(p: StoredPolicy, e: EntityAttributes): boolean {
  const any = (values: readonly string[], have: readonly (string | null)[]) => values.length === 0 || have.some((h) => h !== null && values.includes(h));
  return (
    any(p.kinds, [e.kind]) &&
    any(p.urns, [e.urn]) &&
    any(p.domains, [e.domain]) &&
    (p.ownerTeams.includes(CALLER_TEAMS) ? e.ownerTeam !== null : any(p.ownerTeams, [e.ownerTeam])) &&
    any(p.tags, e.tags) &&
    any(p.classifications, e.classifications)
  );
}

function roleRules(roles: readonly string[], can: AbilityBuilder<AppAbility>['can']): void {
  can('read', 'Self'); // every authenticated principal may see who it is
  if (roles.includes(Role.ADMIN)) can('manage', 'all');
  if (roles.includes(Role.READER) || roles.includes(Role.WRITER) || roles.includes(Role.AUDITOR)) can('read', ['Catalog', 'System']);
  if (roles.includes(Role.WRITER)) can('write', ['Catalog', 'Ingestion']);
  if (roles.includes(Role.INGESTER)) can('write', 'Ingestion');
  if (roles.includes(Role.AUDITOR)) can('audit', ['AuditLog', 'Catalog']);
}

export function compileAbility(owner: AbilityOwner, policies: readonly StoredPolicy[], now = Date.now()): AppAbility {
  const { can, cannot, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  roleRules(owner.roles, can);
  const mine = policies.filter((p) => appliesTo(p, owner) && (!p.expiresAt || p.expiresAt.getTime() > now));
  // Allows first, denies after: in CASL a later rule wins, so every deny overrides every allow.
  for (const effect of [PolicyEffect.ALLOW, PolicyEffect.DENY]) {
    const rule = effect === PolicyEffect.ALLOW ? can : cannot;
    for (const p of mine.filter((x) => x.effect === effect)) {
      const conditions = policyConditions(p, owner);
      const fields = p.fields.length ? p.fields : undefined;
      for (const action of p.actions) {
        if (action === PolicyAction.ADMIN) rule('manage', 'all');
        // `audit` covers the audit log only unconditionally; with conditions, reports on the entities it names.
        else if (action === PolicyAction.AUDIT) rule('audit', conditions || fields ? ['Catalog'] : ['AuditLog', 'Catalog'], fields, conditions);
        else rule(action, 'Catalog', fields, conditions);
      }
    }
  }
  return build();
}

/** The earliest expiry among the policies that apply (a compiled ability must not outlive it). */
export function earliestExpiry(owner: AbilityOwner, policies: readonly StoredPolicy[]): number {
  let min = Infinity;
  for (const p of policies) if (p.expiresAt && appliesTo(p, owner)) min = Math.min(min, p.expiresAt.getTime());
  return min;
}

function toRule(conditions: MongoQuery | undefined): AccessRule {
  const c = (conditions ?? {}) as Record<string, { $in?: string[] }>;
  const rule: AccessRule = {};
  const take = (key: keyof AccessRule, field: string) => {
    if (c[field]) rule[key] = c[field].$in ?? [];
  };
  take('kinds', 'kind');
  take('urns', 'urn');
  take('domains', 'domain');
  take('ownerTeams', 'ownerTeam');
  take('tags', 'tags');
  take('classifications', 'classifications');
  return rule;
}

/**
 * Which catalog entities the ability allows `action` on, as data for a store's query: undefined =
 * every entity; `{ allow: [] }` = none.
 */
export function scopeOf(ability: AppAbility, action: Action = 'read'): AccessScope | undefined {
  let byAction = scopes.get(ability);
  if (!byAction) scopes.set(ability, (byAction = new Map()));
  if (!byAction.has(action)) byAction.set(action, computeScope(ability, action));
  return byAction.get(action);
}

/** Scopes computed per ability (abilities are cached per principal, so this is per principal and policy set). */
const scopes = new WeakMap<AppAbility, Map<Action, AccessScope | undefined>>();

function computeScope(ability: AppAbility, action: Action): AccessScope | undefined {
  const q = rulesToQuery(ability, action, 'Catalog', (rule) => ({ inverted: rule.inverted, rule: toRule(rule.conditions as MongoQuery) }));
  if (q === null) return { allow: [], deny: [] };
  const deny = (q.$and ?? []).map((x) => x.rule);
  if (!q.$or) return deny.length ? { allow: [{}], deny } : undefined;
  return { allow: q.$or.map((x) => x.rule), deny };
}
