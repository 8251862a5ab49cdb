/** SQL for `access_policy`. Every value is a bound parameter; conditions are stored as plain text arrays. */
import { Sql } from '../platform/database/db';
import { AccessPolicy, PolicyAction, PolicyEffect } from './policy.types';

export type StoredPolicy = AccessPolicy;

export interface NewPolicy {
  name: string;
  description?: string | null;
  effect: PolicyEffect;
  actions: PolicyAction[];
  principals: string[];
  teams: string[];
  roles: string[];
  kinds: string[];
  domains: string[];
  ownerTeams: string[];
  tags: string[];
  classifications: string[];
  urns: string[];
  fields: string[];
  expiresAt?: Date | null;
}

const COLUMNS = `id::text AS "id", name, description, effect, actions, principals, teams, roles, kinds, domains,
  owner_teams AS "ownerTeams", tags, classifications, urns, fields, expires_at AS "expiresAt", created_by AS "createdBy",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

const uniq = (xs: readonly string[]) => [...new Set(xs)];

export class PolicyRepository {
  /** Policies in force now (expired ones stay stored, for the record, but apply to no one). */
  active(sql: Sql): Promise<StoredPolicy[]> {
    return sql.query<StoredPolicy>(`SELECT ${COLUMNS} FROM access_policy WHERE expires_at IS NULL OR expires_at > now() ORDER BY id`);
  }

  all(sql: Sql): Promise<StoredPolicy[]> {
    return sql.query<StoredPolicy>(`SELECT ${COLUMNS} FROM access_policy ORDER BY name LIMIT 10000`);
  }

  async put(sql: Sql, p: NewPolicy, by: string): Promise<StoredPolicy> {
    const rows = await sql.query<StoredPolicy>(
      `INSERT INTO access_policy AS a (name, description, effect, actions, principals, teams, roles, kinds, domains, owner_teams,
                                       tags, classifications, urns, fields, expires_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description, effect = EXCLUDED.effect, actions = EXCLUDED.actions,
         principals = EXCLUDED.principals, teams = EXCLUDED.teams, roles = EXCLUDED.roles, kinds = EXCLUDED.kinds,
         domains = EXCLUDED.domains, owner_teams = EXCLUDED.owner_teams, tags = EXCLUDED.tags,
         classifications = EXCLUDED.classifications, urns = EXCLUDED.urns, fields = EXCLUDED.fields,
         expires_at = EXCLUDED.expires_at, updated_at = now()
       RETURNING ${COLUMNS}`,
      [
        p.name, p.description ?? null, p.effect, uniq(p.actions), uniq(p.principals), uniq(p.teams), uniq(p.roles), uniq(p.kinds),
        uniq(p.domains), uniq(p.ownerTeams), uniq(p.tags), uniq(p.classifications), uniq(p.urns), uniq(p.fields),
        p.expiresAt ?? null, by,
      ],
    );
    return rows[0];
  }

  async remove(sql: Sql, name: string): Promise<StoredPolicy | undefined> {
    const rows = await sql.query<StoredPolicy>(`DELETE FROM access_policy WHERE name = $1 RETURNING ${COLUMNS}`, [name]);
    return rows[0];
  }
}
