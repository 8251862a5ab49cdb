/**
 * The field-level half of enforcement, as a GraphQL field middleware: it runs for every field whose parent
 * is a catalog entity, whatever path, alias or fragment reached it, so no query shape can read around it.
 * - An entity the caller may not `read` (reached through any path) shows nothing: every field is withheld.
 * - Data fields (`locationUri`, `artifactUri`) need `readData` on the entity; each entity whose data a
 *   request reads is appended to the audit log once.
 * - Policies with field restrictions withhold the other fields (`id`, `urn` and `kind` always show).
 * A withheld nullable field reads null; a withheld non-null field is a FORBIDDEN error at that path.
 */
import type { FieldMiddleware, MiddlewareContext, NextFn } from '@nestjs/graphql';
import { isNonNullType } from 'graphql';
import { ForbiddenError } from '../platform/errors/errors';
import { AppAbility, EntityAttributes } from './ability';
import type { AccessService, Caller } from './access.service';

export const DATA_FIELDS = new Set(['locationUri', 'artifactUri']);
const ALWAYS = new Set(['id', 'urn', 'kind', '__typename']);

export interface GuardedRequest {
  caller?: Caller;
  /** URNs whose data this request read (audited when the response is sent). */
  dataReads?: Set<string>;
  visibility?: WeakMap<object, boolean>;
}

const restrictedAbilities = new WeakMap<AppAbility, boolean>();

/** Whether any rule of the ability carries a field restriction (if none, per-field checks are skipped). */
function hasFieldRules(ability: AppAbility): boolean {
  let known = restrictedAbilities.get(ability);
  if (known === undefined) {
    known = ability.rules.some((r) => r.fields !== undefined);
    restrictedAbilities.set(ability, known);
  }
  return known;
}

function isEntity(source: unknown): source is EntityAttributes {
  return typeof source === 'object' && source !== null && typeof (source as EntityAttributes).urn === 'string' &&
    Array.isArray((source as EntityAttributes).classifications) && typeof (source as EntityAttributes).kind === 'string';
}

export function fieldGuard(access: AccessService): FieldMiddleware {
  return async (ctx: MiddlewareContext, next: NextFn) => {
    const source = ctx.source;
    if (!isEntity(source)) return next();
    const req = (ctx.context as { req: GuardedRequest }).req;
    const caller = req.caller;
    const field = ctx.info.fieldName;
    if (!caller || (ALWAYS.has(field) && visible(req, caller, access, source))) return next();
    const withhold = () => {
      if (isNonNullType(ctx.info.returnType)) {
        throw new ForbiddenError(`You may not read field "${field}" of ${source.urn.slice(0, 300)}.`);
      }
      return null;
    };
    if (!visible(req, caller, access, source)) return withhold();
    if (DATA_FIELDS.has(field)) {
      if (!access.can(caller, 'readData', source, field)) return withhold();
      (req.dataReads ??= new Set()).add(source.urn);
      return next();
    }
    if (hasFieldRules(caller.ability) && !access.can(caller, 'read', source, field)) return withhold();
    return next();
  };
}

function visible(req: GuardedRequest, caller: Caller, access: AccessService, entity: EntityAttributes): boolean {
  const cache = (req.visibility ??= new WeakMap());
  let seen = cache.get(entity);
  if (seen === undefined) {
    seen = access.can(caller, 'read', entity);
    cache.set(entity, seen);
  }
  return seen;
}
