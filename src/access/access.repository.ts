/** Principals and API keys. Keys are stored only as sha256 digests (they are 256-bit random secrets, so a
 * slow password hash buys nothing and a digest allows an indexed, constant-cost lookup). */
import { Sql } from '../platform/database/db';
import { groupRows } from '../platform/database/group';
import { ApiKeyInfo, Principal, PrincipalKind, Role } from './principal.types';

const PRINCIPAL_COLUMNS = `p.id::text AS "id", p.name, p.kind, p.roles, p.teams, p.created_at AS "createdAt", p.disabled_at AS "disabledAt"`;
const KEY_COLUMNS = `k.id::text AS "id", k.name, k.prefix, k.created_at AS "createdAt", k.expires_at AS "expiresAt",
  k.revoked_at AS "revokedAt", k.last_used_at AS "lastUsedAt"`;

export interface KeyLookup {
  principal: Principal;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export class AccessRepository {
  /** Finds the key and its principal, and records the use (at most once a minute per key), in one statement. */
  async findByKeyHash(sql: Sql, hash: Buffer): Promise<KeyLookup | undefined> {
    const rows = await sql.query<Principal & { expiresAt: Date | null; revokedAt: Date | null }>(
      `WITH k AS (SELECT * FROM api_key WHERE key_hash = $1),
            touch AS (UPDATE api_key SET last_used_at = now()
                       WHERE id = (SELECT id FROM k) AND revoked_at IS NULL
                         AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds'))
       SELECT ${PRINCIPAL_COLUMNS}, k.expires_at AS "expiresAt", k.revoked_at AS "revokedAt"
         FROM k JOIN principal p ON p.id = k.principal_id`,
      [hash],
    );
    const row = rows[0];
    if (!row) return undefined;
    const { expiresAt, revokedAt, ...principal } = row;
    return { principal, expiresAt, revokedAt };
  }

  async upsertPrincipal(sql: Sql, p: { name: string; kind: PrincipalKind; roles: Role[]; teams: string[] }): Promise<Principal> {
    const rows = await sql.query<Principal>(
      `INSERT INTO principal AS p (name, kind, roles, teams) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, roles = EXCLUDED.roles, teams = EXCLUDED.teams
       RETURNING ${PRINCIPAL_COLUMNS}`,
      [p.name, p.kind, p.roles, p.teams],
    );
    return rows[0];
  }

  /**
   * Disables (now, or keeps the earlier time) or re-enables a principal by name. Disabling a name with no row
   * — a JWT user who never had a key — creates a disabled user with no roles, so its tokens are refused too.
   */
  async setDisabled(sql: Sql, name: string, disabled: boolean): Promise<Principal | undefined> {
    const rows = disabled
      ? await sql.query<Principal>(
          `INSERT INTO principal AS p (name, kind, roles, teams, disabled_at) VALUES ($1, 'user', '{}', '{}', now())
           ON CONFLICT (name) DO UPDATE SET disabled_at = COALESCE(p.disabled_at, now())
           RETURNING ${PRINCIPAL_COLUMNS}`,
          [name],
        )
      : await sql.query<Principal>(`UPDATE principal p SET disabled_at = NULL WHERE p.name = $1 RETURNING ${PRINCIPAL_COLUMNS}`, [name]);
    return rows[0];
  }

  async disabledNames(sql: Sql): Promise<string[]> {
    return (await sql.query<{ name: string }>(`SELECT name FROM principal WHERE disabled_at IS NOT NULL`)).map((r) => r.name);
  }

  async findPrincipalByName(sql: Sql, name: string): Promise<Principal | undefined> {
    const rows = await sql.query<Principal>(`SELECT ${PRINCIPAL_COLUMNS} FROM principal p WHERE p.name = $1`, [name]);
    return rows[0];
  }

  async listPrincipals(sql: Sql): Promise<Principal[]> {
    return sql.query<Principal>(`SELECT ${PRINCIPAL_COLUMNS} FROM principal p ORDER BY p.name LIMIT 1000`);
  }

  /** Inserts a key; when the same digest exists (the configured admin key), re-attaches and un-revokes it. */
  async putKey(
    sql: Sql,
    key: { principalId: string; name: string; prefix: string; hash: Buffer; expiresAt: Date | null },
  ): Promise<ApiKeyInfo> {
    const rows = await sql.query<ApiKeyInfo>(
      `INSERT INTO api_key AS k (principal_id, name, prefix, key_hash, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (key_hash) DO UPDATE SET principal_id = EXCLUDED.principal_id, revoked_at = NULL,
         expires_at = EXCLUDED.expires_at
       RETURNING ${KEY_COLUMNS}`,
      [key.principalId, key.name, key.prefix, key.hash, key.expiresAt],
    );
    return rows[0];
  }

  async revokeKey(sql: Sql, id: string): Promise<ApiKeyInfo | undefined> {
    const rows = await sql.query<ApiKeyInfo>(
      `UPDATE api_key k SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING ${KEY_COLUMNS}`,
      [id],
    );
    return rows[0];
  }

  async keysOf(sql: Sql, principalIds: string[]): Promise<Map<string, ApiKeyInfo[]>> {
    const rows = await sql.query<ApiKeyInfo & { principalId: string }>(
      `SELECT ${KEY_COLUMNS}, k.principal_id::text AS "principalId" FROM api_key k
        WHERE k.principal_id = ANY($1::bigint[]) ORDER BY k.id`,
      [principalIds],
    );
    return groupRows(principalIds, rows, (r) => r.principalId, ({ principalId: _p, ...key }) => key);
  }
}
