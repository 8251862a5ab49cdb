/**
 * A short-lived cache of successful API-key lookups, so a busy client does not pay a database round trip
 * per request. Expiry is still checked on every use; revoking a key or changing a principal through this
 * service clears the cache at once, and other replicas see the change within the TTL.
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
