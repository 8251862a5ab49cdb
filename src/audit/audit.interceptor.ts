/**
 * Audits every write: each GraphQL mutation runs in one transaction with its audit entry (both commit or
 * neither does) and carries the caller's write guard (platform/auth/write-guard.ts); each other non-GET HTTP route (ingestion) is recorded once it answers, with the counts it
 * answered. Failures are recorded as `failed` (denials are recorded where they are decided, as `denied`).
 */
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, Observable } from 'rxjs';
import { Db } from '../platform/database/db';
import { AccessService, Caller } from '../access/access.service';
import { setWriteGuard } from '../platform/auth/write-guard';
import { ForbiddenError, PedigreeError } from '../platform/errors/errors';
import { canonicalJson } from './audit-chain';
import { AuditEvent, AuditService } from './audit.service';

interface AuditedRequest {
  caller?: Caller;
  method?: string;
  route?: { path?: string };
  path?: string;
}

const MAX_INPUT_CHARS = 4096;

/** The input as given, or (when large) its size and digest: enough to tell what was asked without bloat. */
function inputDetails(args: Record<string, unknown>): Record<string, unknown> {
  const text = canonicalJson(args);
  if (text.length <= MAX_INPUT_CHARS) return { input: JSON.parse(text) as unknown };
  return { inputBytes: Buffer.byteLength(text), inputSha256: createHash('sha256').update(text).digest('hex') };
}

function targetOf(args: Record<string, unknown>, result: unknown): string | null {
  const r = result as { urn?: unknown; name?: unknown } | null;
  if (r && typeof r.urn === 'string') return r.urn;
  const input = (args.input ?? args) as Record<string, unknown>;
  for (const key of ['urn', 'datasetUrn', 'modelUrn', 'contextUrn', 'deploymentUrn', 'name', 'principalName', 'id']) {
    if (typeof input[key] === 'string') return input[key] as string;
  }
  return null;
}

/** Top-level numbers of an HTTP answer (accepted, duplicates, rejected, …): the batch's counts. */
function counts(result: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (result && typeof result === 'object') {
    for (const [k, v] of Object.entries(result)) if (typeof v === 'number') out[k] = v;
  }
  return out;
}

function failure(err: unknown): Record<string, unknown> {
  return err instanceof PedigreeError ? { error: err.code, message: err.message.slice(0, 500) } : { error: 'INTERNAL' };
}

@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly audit: AuditService,
    private readonly db: Db,
    private readonly access: AccessService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType<string>() === 'graphql') {
      const gql = GqlExecutionContext.create(context);
      const info = gql.getInfo<GraphQLResolveInfo>();
      if (info.parentType.name !== 'Mutation') return next.handle();
      return from(this.mutation(gql.getContext<{ req: AuditedRequest }>().req, info.fieldName, gql.getArgs(), next));
    }
    const req = context.switchToHttp().getRequest<AuditedRequest>();
    if (req.method === 'GET' || req.method === 'HEAD' || !req.caller) return next.handle();
    return from(this.route(req, next));
  }

  private event(req: AuditedRequest, action: string, rest: Omit<AuditEvent, 'principal' | 'action' | 'requestId'>): AuditEvent {
    return { principal: req.caller?.principal.name ?? 'anonymous', action, requestId: req.caller?.requestId ?? null, ...rest };
  }

  private async mutation(req: AuditedRequest, field: string, args: Record<string, unknown>, next: CallHandler): Promise<unknown> {
    const details = inputDetails(args);
    try {
      return await this.db.transaction(async (tx) => {
        const caller = req.caller;
        // Every entity the mutation touches is checked against the caller's policies (catalog/nodes) — unless
        // the caller may write and read everything, when there is nothing to check (and no lookups to pay).
        if (caller && (this.access.scope(caller, 'write') || this.access.scope(caller, 'read'))) {
          setWriteGuard(tx, {
            requireWrite: (entity) => this.access.require(caller, 'write', entity),
            mayRead: (entity) => this.access.can(caller, 'read', entity),
          });
        }
        const result = await lastValueFrom(next.handle(), { defaultValue: null });
        await this.audit.record(this.event(req, field, { target: targetOf(args, result), outcome: 'succeeded', details }));
        return result;
      });
    } catch (err) {
      if (!(err instanceof ForbiddenError)) {
        await this.audit.recordDetached(this.event(req, field, { target: targetOf(args, null), outcome: 'failed', details: { ...details, ...failure(err) } }));
      }
      throw err;
    }
  }

  private async route(req: AuditedRequest, next: CallHandler): Promise<unknown> {
    const action = `${req.method} ${req.route?.path ?? req.path ?? ''}`;
    try {
      const result = await lastValueFrom(next.handle(), { defaultValue: null });
      await this.audit.record(this.event(req, action, { outcome: 'succeeded', details: counts(result) }));
      return result;
    } catch (err) {
      if (!(err instanceof ForbiddenError)) await this.audit.recordDetached(this.event(req, action, { outcome: 'failed', details: failure(err) }));
      throw err;
    }
  }
}
