/**
 * Bearer JWTs (when JWT_SECRET or JWT_JWKS_URI is configured), verified with `jose`: signature (HS256 with
 * the shared secret, or the issuer's keys from its JWKS, fetched and cached by jose), expiry, and issuer and
 * audience when configured. Claims map to a principal: its name (JWT_PRINCIPAL_CLAIM, default `sub`), teams
 * (JWT_TEAMS_CLAIM, default `groups`) and roles (JWT_ROLES_CLAIM, default `roles`; unknown roles are ignored).
 */
import { createRemoteJWKSet, jwtVerify, JWTPayload, JWTVerifyGetKey } from 'jose';
import type { PedigreeConfig } from '../platform/config/config';
import { Role } from './principal.types';

export interface JwtIdentity {
  name: string;
  teams: string[];
  roles: Role[];
  expiresAt: Date | null;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@:|-]{0,199}$/;
const ROLES = new Set<string>(Object.values(Role));

function strings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  return list.filter((v): v is string => typeof v === 'string' && NAME.test(v)).slice(0, 100);
}

export class JwtVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;

  constructor(private readonly config: NonNullable<PedigreeConfig['jwt']>) {
    this.key = config.jwksUri ? createRemoteJWKSet(new URL(config.jwksUri)) : new TextEncoder().encode(config.secret);
  }

  static looksLikeJwt(credential: string): boolean {
    return JWT_SHAPE.test(credential);
  }

  /** The identity the token carries, or undefined when it is not valid (the reason is not told to callers). */
  async verify(token: string): Promise<JwtIdentity | undefined> {
    let payload: JWTPayload;
    try {
      const options = {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: this.config.jwksUri ? ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'PS256', 'EdDSA'] : ['HS256', 'HS384', 'HS512'],
        requiredClaims: ['exp'],
      };
      ({ payload } =
        typeof this.key === 'function' ? await jwtVerify(token, this.key, options) : await jwtVerify(token, this.key, options));
    } catch {
      return undefined;
    }
    const name = payload[this.config.principalClaim];
    if (typeof name !== 'string' || !NAME.test(name)) return undefined;
    return {
      name,
      teams: strings(payload[this.config.teamsClaim]),
      roles: strings(payload[this.config.rolesClaim]).filter((r): r is Role => ROLES.has(r)),
      expiresAt: typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : null,
    };
  }
}
