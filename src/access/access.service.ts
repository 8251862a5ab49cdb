/**
 * Authentication (API keys) and authorization (CASL abilities) for every entry point. Owns the principal
 * and api_key tables; other domains use only this service.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Request } from 'express';
import { createHash, randomBytes } from 'node:crypto';
import { CONFIG, PedigreeConfig } from '../platform/config/config';
import { Db } from '../platform/database/db';
import { ForbiddenError, InvalidInputError, NotFoundError, UnauthenticatedError } from '../platform/errors/errors';
import type { Action, Subject } from '../platform/auth/auth.decorators';
import { AccessRepository } from './access.repository';
import { KeyCache } from './key-cache';
import { abilityForRoles, AppAbility } from './ability';
import { ApiKeyInfo, CreatedApiKey, Principal, PrincipalKind, Role } from './principal.types';

export interface Caller {
  principal: Principal;
  ability: AppAbility;
}

export const ADMIN_PRINCIPAL = 'admin';

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** `pdg_` + 43 base64url characters (256 random bits). */
export function generateApiKey(): string {
  return `pdg_${randomBytes(32).toString('base64url')}`;
}

@Injectable()
export class AccessService {
  private readonly repo = new AccessRepository();
  private readonly keys: KeyCache;

  constructor(
    private readonly db: Db,
    @Inject(CONFIG) private readonly config: PedigreeConfig,
  ) {
    this.keys = new KeyCache(config.authCacheSeconds * 1000);
  }

  /** Parses `Authorization: Bearer <key>` and returns the caller, or throws UNAUTHENTICATED saying why. */
  async authenticate(authorization: string | undefined): Promise<Caller> {
    if (!authorization) {
      throw new UnauthenticatedError('Authentication required: send the header "Authorization: Bearer <api key>".');
    }
    const match = /^Bearer\s+(\S{1,512})$/i.exec(authorization.trim());
    if (!match) throw new UnauthenticatedError('Malformed Authorization header: expected "Bearer <api key>".');
    const hash = digest(match[1]);
    const cacheKey = hash.toString('hex');
    const found = this.keys.get(cacheKey) ?? (await this.repo.findByKeyHash(this.db, hash));
    if (!found) throw new UnauthenticatedError('Unknown API key.');
    if (found.revokedAt) throw new UnauthenticatedError('This API key was revoked.');
    if (found.expiresAt && found.expiresAt.getTime() <= Date.now()) throw new UnauthenticatedError('This API key has expired.');
    if (found.principal.disabledAt) throw new UnauthenticatedError('The principal of this API key is disabled.');
    this.keys.set(cacheKey, found);
    const { disabledAt: _disabled, ...principal } = found.principal;
    return { principal, ability: abilityForRoles(principal.roles) };
  }

  /**
   * Authenticates every GraphQL operation before any field runs — introspection included, which has no
   * resolver for the guard to protect. The guard then authorizes each root field.
   */
  graphqlAuthenticationPlugin(): ApolloServerPlugin<{ req: Request & { caller?: Caller } }> {
    return {
      requestDidStart: async () => ({
        didResolveOperation: async ({ contextValue }) => {
          const req = contextValue.req;
          if (req.caller) return;
          try {
            req.caller = await this.authenticate(req.headers.authorization);
          } catch (err) {
            if (err instanceof UnauthenticatedError) {
              throw new GraphQLError(err.message, { extensions: { code: err.code, http: { status: 401 } } });
            }
            throw err;
          }
        },
      }),
    };
  }

  /** Throws FORBIDDEN unless the caller may perform `action` on `subject`. */
  authorize(caller: Caller, action: Action, subject: Subject): void {
    if (!caller.ability.can(action, subject)) {
      throw new ForbiddenError(`Principal "${caller.principal.name}" may not ${action} ${subject}.`);
    }
  }

  /** Makes sure the configured admin key works (PEDIGREE_ADMIN_API_KEY); idempotent across restarts. */
  async ensureAdminKey(): Promise<void> {
    const key = this.config.adminApiKey;
    if (!key) return;
    await this.db.transaction(async (tx) => {
      const admin = await this.repo.upsertPrincipal(tx, {
        name: ADMIN_PRINCIPAL,
        kind: PrincipalKind.SERVICE,
        roles: [Role.ADMIN],
        teams: [],
      });
      await this.repo.putKey(tx, {
        principalId: admin.id,
        name: 'PEDIGREE_ADMIN_API_KEY',
        // Never store part of an operator-chosen secret; generated keys may show their random prefix.
        prefix: 'env',
        hash: digest(key),
        expiresAt: null,
      });
    });
  }

  async createPrincipal(input: { name: string; kind: PrincipalKind; roles: Role[]; teams: string[] }): Promise<Principal> {
    const principal = await this.repo.upsertPrincipal(this.db, { ...input, roles: [...new Set(input.roles)], teams: [...new Set(input.teams)] });
    this.keys.clear(); // roles or teams may have changed
    return principal;
  }

  async listPrincipals(): Promise<Principal[]> {
    return this.repo.listPrincipals(this.db);
  }

  async createApiKey(input: { principalName: string; name: string; expiresAt?: Date | null }): Promise<CreatedApiKey> {
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new InvalidInputError('expiresAt must be in the future.');
    }
    const principal = await this.repo.findPrincipalByName(this.db, input.principalName);
    if (!principal) throw new NotFoundError(`No principal named "${input.principalName}".`);
    const key = generateApiKey();
    const apiKey = await this.repo.putKey(this.db, {
      principalId: principal.id,
      name: input.name,
      prefix: key.slice(0, 12),
      hash: digest(key),
      expiresAt: input.expiresAt ?? null,
    });
    return { key, apiKey, principal };
  }

  async revokeApiKey(id: string): Promise<ApiKeyInfo> {
    if (!/^\d{1,18}$/.test(id)) throw new InvalidInputError(`"${id.slice(0, 40)}" is not an API key id.`);
    const key = await this.repo.revokeKey(this.db, id);
    if (!key) throw new NotFoundError(`No API key with id ${id}.`);
    this.keys.clear();
    return key;
  }

  async keysOf(principalIds: string[]): Promise<Map<string, ApiKeyInfo[]>> {
    return this.repo.keysOf(this.db, principalIds);
  }
}
