/**
 * The per-request GraphQL context. Loaders are created lazily per request (never shared between requests,
 * so one caller's cache cannot leak into another's answer).
 */
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
