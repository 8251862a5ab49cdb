/**
 * Short-lived authentication caches. `KeyCache`: successful API-key lookups, so a busy client does not pay a
 * database round trip per request. Expiry is still checked on every use; revoking a key or changing a
 * principal through this service clears the cache at once, and other replicas see the change within the TTL.
 * `DisabledNames`: the disabled principals, for JWTs.
 */
import type { KeyLookup } from './access.repository';

const MAX_ENTRIES = 10_000;

export class KeyCache {
  private readonly entries = new Map<string, { lookup: KeyLookup; until: number }>();

  constructor(private readonly ttlMs: number) {}

  get(hash: string): KeyLookup | undefined {
    const hit = this.entries.get(hash);
    if (!hit) return undefined;
    if (hit.until <= Date.now()) {
      this.entries.delete(hash);
      return undefined;
    }
    return hit.lookup;
  }

  set(hash: string, lookup: KeyLookup): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(hash, { lookup, until: Date.now() + this.ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * The names of disabled principals, reloaded at most once per TTL (at once after `invalidate`; every time when
 * the TTL is 0); concurrent callers share one reload, and a reload that started before an invalidation does
 * not count as fresh. Disabling is rare and the set is small, so it is held whole.
 */
export class DisabledNames {
  private names = new Set<string>();
  private loadedAt = -Infinity;
  private generation = 0;
  private loading?: { generation: number; done: Promise<void> };

  constructor(
    private readonly ttlMs: number,
    private readonly load: () => Promise<string[]>,
  ) {}

  async has(name: string): Promise<boolean> {
    if (this.ttlMs <= 0) return (await this.load()).includes(name);
    if (Date.now() - this.loadedAt >= this.ttlMs) await this.reload();
    return this.names.has(name);
  }

  invalidate(): void {
    this.generation += 1;
    this.loadedAt = -Infinity;
  }

  private reload(): Promise<void> {
    const generation = this.generation;
    if (this.loading?.generation === generation) return this.loading.done;
    const done = this.load().then((names) => {
      if (this.generation !== generation) return;
      this.names = new Set(names);
      this.loadedAt = Date.now();
    });
    const loading = { generation, done };
    this.loading = loading;
    void done.finally(() => {
      if (this.loading === loading) this.loading = undefined;
    }).catch(() => undefined);
    return done;
  }
}
