/**
 * Stored access policies: admin management, and the compiled CASL ability of each principal — cached,
 * rebuilt when a policy changes here (at once) or elsewhere (within PEDIGREE_AUTH_CACHE_SECONDS), and
 * never used past the expiry of a policy it includes.
 */
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, PedigreeConfig } from '../platform/config/config';
import { Db, Sql } from '../platform/database/db';
import { InvalidInputError, NotFoundError } from '../platform/errors/errors';
import { AbilityOwner, AppAbility, compileAbility, earliestExpiry } from './ability';
import { NewPolicy, PolicyRepository, StoredPolicy } from './policy.repository';
import { PolicyAction } from './policy.types';

const MAX_CACHED = 10_000;
const CONDITIONS = ['kinds', 'domains', 'ownerTeams', 'tags', 'classifications', 'urns', 'fields'] as const;

export function validatePolicy(p: NewPolicy): void {
  if (!p.principals.length && !p.teams.length && !p.roles.length) {
    throw new InvalidInputError(`Policy "${p.name}" applies to no one: name at least one principal, team or role.`);
  }
  if (!p.actions.length) throw new InvalidInputError(`Policy "${p.name}" names no action.`);
  const global = p.actions.filter((a) => a === PolicyAction.ADMIN);
  const conditioned = CONDITIONS.filter((c) => p[c].length);
  if (global.length && conditioned.length) {
    throw new InvalidInputError(
      `Policy "${p.name}": ${global.join(' and ')} cannot be limited by ${conditioned.join(', ')} (it is not about catalog entities); ` +
        'put them in a policy of their own.',
    );
  }
  if (p.expiresAt && p.expiresAt.getTime() <= Date.now()) throw new InvalidInputError('expiresAt must be in the future.');
}

@Injectable()
export class PolicyService {
  private readonly repo = new PolicyRepository();
  private policies: { list: StoredPolicy[]; loadedAt: number } | undefined;
  private loading: Promise<StoredPolicy[]> | undefined;
  /** Bumped by every local change, so a load that started before it cannot install what it read. */
  private generation = 0;
  private readonly abilities = new Map<string, { ability: AppAbility; until: number }>();

  constructor(
    private readonly db: Db,
    @Inject(CONFIG) private readonly config: PedigreeConfig,
  ) {}

  /** The principal's ability under the policies in force now. */
  async abilityFor(owner: AbilityOwner): Promise<AppAbility> {
    const key = `${owner.name}\u0000${[...owner.roles].sort().join(',')}\u0000${[...owner.teams].sort().join(',')}`;
    const now = Date.now();
    const policies = await this.current(now);
    const hit = this.abilities.get(key);
    if (hit && hit.until > now) return hit.ability;
    const ability = compileAbility(owner, policies, now);
    const until = Math.min(now + Math.max(this.config.authCacheSeconds, 1) * 1000, earliestExpiry(owner, policies));
    if (this.abilities.size >= MAX_CACHED) this.abilities.delete(this.abilities.keys().next().value!);
    this.abilities.set(key, { ability, until });
    return ability;
  }

  list(): Promise<StoredPolicy[]> {
    return this.repo.all(this.db);
  }

  /** Creates or replaces a policy (by name), in the surrounding transaction when there is one. */
  async put(input: NewPolicy, by: string, sql: Sql = this.db): Promise<StoredPolicy> {
    validatePolicy(input);
    const stored = await this.repo.put(sql, input, by);
    this.invalidate();
    return stored;
  }

  async remove(name: string): Promise<StoredPolicy> {
    const removed = await this.repo.remove(this.db, name);
    if (!removed) throw new NotFoundError(`No policy named "${name.slice(0, 200)}".`);
    this.invalidate();
    return removed;
  }

  invalidate(): void {
    this.generation += 1;
    this.loading = undefined;
    this.policies = undefined;
    this.abilities.clear();
  }

  private async current(now: number): Promise<StoredPolicy[]> {
    const ttl = this.config.authCacheSeconds * 1000;
    if (this.policies && now - this.policies.loadedAt < ttl) return this.policies.list;
    if (!this.loading) {
      const generation = this.generation;
      const loading = this.repo.active(this.db).then(
        (list) => {
          if (generation !== this.generation) return list;
          if (JSON.stringify(list) !== JSON.stringify(this.policies?.list)) this.abilities.clear();
          this.policies = { list, loadedAt: Date.now() };
          if (this.loading === loading) this.loading = undefined;
          return list;
        },
        (err: unknown) => {
          if (this.loading === loading) this.loading = undefined;
          throw err;
        },
      );
      this.loading = loading;
    }
    return this.loading;
  }
}
