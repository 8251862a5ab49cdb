/**
 * Compiles a principal's roles into a CASL ability. Stored, condition-bearing policies (the access issue)
 * will add rules here; every check already goes through this one ability, so they will apply everywhere.
 */
import { AbilityBuilder, createMongoAbility, MongoAbility } from '@casl/ability';
import type { Action, Subject } from '../platform/auth/auth.decorators';
import { Role } from './principal.types';

export type AppAbility = MongoAbility<[Action | 'manage', Subject | 'all']>;

export function abilityForRoles(roles: readonly Role[]): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  if (roles.includes(Role.ADMIN)) {
    can('manage', 'all');
  } else {
    if (roles.includes(Role.READER) || roles.includes(Role.WRITER)) {
      can('read', ['Catalog', 'System']);
    }
    if (roles.includes(Role.WRITER)) can('write', 'Catalog');
  }
  return build();
}
