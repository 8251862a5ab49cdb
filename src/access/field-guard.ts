/**
 * The field-level half of enforcement. It wraps the resolver of every field of every type implementing
 * `CatalogNode` (applied to the built schema, so it runs whatever path, alias or fragment reached the field,
 * and no query shape can read around it); it is synchronous and touches no other type, so it costs one
 * check per entity field, not a promise per field of every response.
 * - An entity the caller may not `read` (reached through any path) shows nothing: every field is withheld.
 * - Data fields (`locationUri`, `artifactUri`) need `readData` on the entity; each entity whose data a
 *   request reads is appended to the audit log once.
 * - Policies with field restrictions withhold the other fields (`id`, `urn` and `kind` always show).
 * A withheld nullable field reads null; a withheld non-null field is a FORBIDDEN error at that path.
 */
import { defaultFieldResolver, GraphQLFieldResolver, GraphQLSchema, isNonNullType, isObjectType } from 'graphql';
import { ForbiddenError } from '../platform/errors/errors';
import { AppAbility, EntityAttributes } from './ability';
import type { AccessService, Caller } from './access.service';

export const DATA_FIELDS = new Set(['locationUri', 'artifactUri']);
const ALWAYS = new Set(['id', 'urn', 'kind']);
const ENTITY_INTERFACE = 'CatalogNode';

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

function visible(req: GuardedRequest, caller: Caller, access: AccessService, entity: EntityAttributes): boolean {
  const cache = (req.visibility ??= new WeakMap());
  let seen = cache.get(entity);
  if (seen === undefined) {
    seen = access.can(caller, 'read', entity);
    cache.set(entity, seen);
  }
  return seen;
}

/** Wraps the fields of every catalog entity type of the schema with the guard; returns the same schema. */
export function guardEntityFields(schema: GraphQLSchema, access: AccessService): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !type.getInterfaces().some((i) => i.name === ENTITY_INTERFACE)) continue;
    for (const field of Object.values(type.getFields())) {
      field.resolve = guardField(field.name, isNonNullType(field.type), field.resolve ?? defaultFieldResolver, access);
    }
  }
  return schema;
}

function guardField(name: string, nonNull: boolean, resolve: GraphQLFieldResolver<unknown, unknown>, access: AccessService): GraphQLFieldResolver<unknown, unknown> {
  const isData = DATA_FIELDS.has(name);
  const always = ALWAYS.has(name);
  return (source, args, context, info) => {
    const req = (context as { req?: GuardedRequest }).req;
    const caller = req?.caller;
    const entity = source as EntityAttributes;
    const withhold = () => {
      if (nonNull) throw new ForbiddenError(`You may not read field "${name}" of ${String(entity.urn).slice(0, 300)}.`);
      return null;
    };
    if (!caller || !visible(req, caller, access, entity)) return withhold();
    if (isData) {
      if (!access.can(caller, 'readData', entity, name)) return withhold();
      (req.dataReads ??= new Set()).add(entity.urn);
    } else if (!always && hasFieldRules(caller.ability) && !access.can(caller, 'read', entity, name)) {
      return withhold();
    }
    return resolve(source, args, context, info);
  };
}
