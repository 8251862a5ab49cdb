/**
 * Declarative access metadata. Every GraphQL root field and HTTP route must carry exactly one of these:
 * `@Public()` (no authentication: health only) or `@Authorize(action, subject)`. The global guard in
 * access/ denies any handler that carries neither, so nothing is left open by accident.
 */
import { SetMetadata } from '@nestjs/common';

export type Action = 'read' | 'readData' | 'write' | 'approve' | 'audit' | 'admin';
/**
 * What an action applies to. `Catalog`: every catalogued entity (policies narrow it by kind, URN, domain,
 * owner team, tags and classifications); `Ingestion`: the event and prediction ingestion routes; `AuditLog`:
 * the audit log; `Principal` and `Policy`: access administration; `System`: metrics and dead letters; `Self`:
 * the caller's own identity (every authenticated principal may read it).
 */
export type Subject = 'Catalog' | 'Ingestion' | 'AuditLog' | 'Principal' | 'Policy' | 'System' | 'Self';

export const PUBLIC_KEY = 'pedigree:public';
export const AUTHORIZE_KEY = 'pedigree:authorize';

export interface Requirement {
  action: Action;
  subject: Subject;
}

export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

export const Authorize = (action: Action, subject: Subject): MethodDecorator & ClassDecorator =>
  SetMetadata(AUTHORIZE_KEY, { action, subject } satisfies Requirement);
