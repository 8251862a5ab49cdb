/**
 * Authentication (API keys; JWTs when configured) and authorization (one CASL ability per caller, compiled
 * from roles and stored policies) for every entry point. Owns the principal and api_key tables; other
 * domains use only this service. Denials are appended to the audit log.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Request } from 'express';
import { createHash, randomBytes } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import type { AccessScope } from '../platform/auth/access-scope';
import type { Action, Subject } from '../platform/auth/auth.decorators';
import { CONFIG, PedigreeConfig } from '../platform/config/config';
import { Db } from '../platform/database/db';
import {
  ForbiddenError, InvalidInputError, NotFoundError, PedigreeError, RateLimitedError, UnauthenticatedError,
} from '../platform/errors/errors';
import { AccessRepository, KeyLookup } from './access.repository';
import { AppAbility, catalogSubject, EntityAttributes, scopeOf } from './ability';
import { FailureLimiter } from './failure-limiter';
import type { GuardedRequest } from './field-guard';
import { JwtVerifier } from './jwt';
import { DisabledNames, KeyCache } from './key-cache';
import { PolicyService } from './policy.service';
import { ApiKeyInfo, CreatedApiKey, Principal, PrincipalKind, Role } from './principal.types';

export interface Caller {
  principal: Principal;
  ability: AppAbility;
  /** The request it acts in (x-request-id or generated), for the audit log. */
  requestId?: string;
}

export const ADMIN_PRINCIPAL = 'admin';

/** One answer for every bad credential: callers learn nothing about which keys exist, expired or were revoked. */
export const AUTHENTICATION_FAILED =
  'Authentication failed: send a valid API key or token as "Authorization: Bearer <credential>".';

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** `pdg_` + 43 base64url characters (256 random bits). */
export function generateApiKey(): string {
  return `pdg_${randomBytes(32).toString('base64url')}`;
}

type AuthRequest = Pick<Request, 'headers' | 'ip'> & { id?: unknown; caller?: Caller };

@Injectable()
export class AccessService {
  private readonly repo = new AccessRepository();
  private readonly keys: KeyCache;
  /** Names of disabled principals, for JWTs (API keys carry their principal's state in the key lookup). */
  private readonly disabled: DisabledNames;
  private readonly failures: FailureLimiter;
  private readonly jwt?: JwtVerifier;

  constructor(
    private readonly db: Db,
    @Inject(CONFIG) private readonly config: PedigreeConfig,
    readonly policies: PolicyService,
    private readonly audit: AuditService,
  ) {
    this.keys = new KeyCache(config.authCacheSeconds * 1000);
    this.disabled = new DisabledNames(config.authCacheSeconds * 1000, () => this.repo.disabledNames(this.db));
    this.failures = new FailureLimiter(config.authMaxFailuresPerMinute);
    if (config.jwt) this.jwt = new JwtVerifier(config.jwt);
  }

  /** Authenticates a request once (the caller is kept on it) and returns the caller. */
  async authenticateRequest(req: AuthRequest): Promise<Caller> {
    if (req.caller) return req.caller;
    const caller = await this.authenticate(req.headers.authorization, req.ip ?? 'unknown');
    caller.requestId = typeof req.id === 'string' ? req.id : undefined;
    req.caller = caller;
    return caller;
  }

  /**
   * Parses `Authorization: Bearer <credential>` and returns the caller. Every failure is the same
   * UNAUTHENTICATED; a source failing too often is refused (RATE_LIMITED) for the rest of the minute.
   */
  async authenticate(authorization: string | undefined, source = 'unknown'): Promise<Caller> {
    const wait = this.failures.blocked(source);
    if (wait) throw new RateLimitedError(`Too many failed authentications from this address; try again in ${wait} s.`);
    const identity = await this.identify(authorization);
    if (!identity) {
      this.failures.fail(source);
      if (this.failures.blocked(source)) {
        void this.audit.recordDetached({ principal: 'anonymous', action: 'authenticate', outcome: 'denied', details: { source, rateLimited: true } });
      }
      throw new UnauthenticatedError(AUTHENTICATION_FAILED);
    }
    return { principal: identity, ability: await this.policies.abilityFor(identity) };
  }

  private async identify(authorization: string | undefined): Promise<Principal | undefined> {
    const match = authorization ? /^Bearer\s+(\S{1,4096})$/i.exec(authorization.trim()) : null;
    if (!match) return undefined;
    const credential = match[1];
    if (this.jwt && JwtVerifier.looksLikeJwt(credential)) {
      const id = await this.jwt.verify(credential);
      if (!id || (await this.disabled.has(id.name))) return undefined;
      return { id: `jwt:${id.name}`, name: id.name, kind: PrincipalKind.USER, roles: id.roles, teams: id.teams, createdAt: new Date(0), disabledAt: null };
    }
    if (credential.length > 512) return undefined;
    const hash = digest(credential);
    const cacheKey = hash.toString('hex');
    const found: KeyLookup | undefined = this.keys.get(cacheKey) ?? (await this.repo.findByKeyHash(this.db, hash));
    if (!found || found.revokedAt || found.principal.disabledAt) return undefined;
    if (found.expiresAt && found.expiresAt.getTime() <= Date.now()) return undefined;
    this.keys.set(cacheKey, found);
    return found.principal;
  }

  /**
   * Authenticates every GraphQL operation before any field runs — introspection included, which has no
   * resolver for the guard to protect. The guard then authorizes each root field.
   */
  graphqlAuthenticationPlugin(): ApolloServerPlugin<{ req: Request & GuardedRequest }> {
    return {
      requestDidStart: async () => ({
        // Data read through the field guard: one audit entry per entity whose data the request read.
        willSendResponse: async ({ contextValue }) => {
          const { caller, dataReads } = contextValue.req;
          if (!caller || !dataReads?.size) return;
          void this.audit.recordDetached(
            ...[...dataReads].map((urn) => ({
              principal: caller.principal.name, action: 'readData', target: urn, outcome: 'allowed' as const, requestId: caller.requestId,
            })),
          );
        },
        didResolveOperation: async ({ contextValue }) => {
          try {
            await this.authenticateRequest(contextValue.req);
          } catch (err) {
            if (err instanceof PedigreeError) {
              throw new GraphQLError(err.message, { extensions: { code: err.code, http: { status: err.httpStatus } } });
            }
            throw err;
          }
        },
      }),
    };
  }

  /** Throws FORBIDDEN (and audits the denial) unless the caller may perform `action` on `subject` at all. */
  authorize(caller: Caller, action: Action, subject: Subject, target?: string): void {
    if (!caller.ability.can(action, subject)) {
      this.denied(caller, action, target ?? subject);
      throw new ForbiddenError(`Principal "${caller.principal.name}" may not ${action} ${subject}.`);
    }
  }

  /** Whether the caller may perform `action` on this catalog entity (on `field` of it, when given). */
  can(caller: Caller, action: Action, entity: EntityAttributes, field?: string): boolean {
    return caller.ability.can(action, catalogSubject(entity), field);
  }

  /**
   * Throws FORBIDDEN (and audits it) unless the caller may perform `action` on the entity. The message is
   * the one a missing entity gets from `hidden`, so a refusal does not confirm that the entity exists.
   */
  require(caller: Caller, action: Action, entity: EntityAttributes, what = entity.kind): void {
    if (this.can(caller, action, entity)) return;
    this.denied(caller, action, entity.urn, { exists: true });
    throw this.hidden(what, entity.urn, action);
  }

  /** The error for an entity the caller may not see or that does not exist — the same words for both. */
  hidden(what: string, urn: string, action: Action = 'read'): ForbiddenError {
    return new ForbiddenError(`You may not ${action} a ${what} with URN ${urn.slice(0, 300)}, or there is none.`);
  }

  /** The entities the caller may perform `action` on, for a store to apply in its query (absent: all). */
  scope(caller: Caller, action: Action = 'read'): AccessScope | undefined {
    return scopeOf(caller.ability, action);
  }

  /** Appends a denial to the audit log (without waiting for it). */
  denied(caller: Caller, action: string, target: string, details: Record<string, unknown> = {}): void {
    void this.audit.recordDetached({
      principal: caller.principal.name, action, target, outcome: 'denied', requestId: caller.requestId, details,
    });
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

  /** Disables or re-enables a principal by name; see the `disablePrincipal` mutation. */
  async setPrincipalDisabled(caller: Caller, name: string, disabled: boolean): Promise<Principal> {
    if (disabled && name === caller.principal.name) throw new InvalidInputError('You cannot disable yourself; ask another admin.');
    const principal = await this.repo.setDisabled(this.db, name, disabled);
    if (!principal) throw new NotFoundError(`No principal named "${name}".`);
    this.keys.clear();
    this.disabled.invalidate();
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
