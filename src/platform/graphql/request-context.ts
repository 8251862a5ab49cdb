/**
 * The per-request GraphQL context. Loaders are created lazily per request (never shared between requests,
 * so one caller's cache cannot leak into another's answer).
 */
import DataLoader from 'dataloader';
import type { Request } from 'express';

export interface RequestContext {
  req: Request;
  loaders: Map<string, unknown>;
}

export function requestLoader<T>(ctx: RequestContext, key: string, create: () => T): T {
  let loader = ctx.loaders.get(key) as T | undefined;
  if (loader === undefined) {
    loader = create();
    ctx.loaders.set(key, loader);
  }
  return loader;
}

/** A DataLoader over a batch method that returns a Map of lists (ids it does not mention get []). */
export function listLoader<V>(batch: (ids: readonly string[]) => Promise<Map<string, V[]>>): DataLoader<string, V[]> {
  return new DataLoader<string, V[]>(async (ids) => {
    const map = await batch(ids);
    return ids.map((id) => map.get(id) ?? []);
  });
}
