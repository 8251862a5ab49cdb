/**
 * The global guard: authenticates every request and applies the handler's declared requirement. A handler
 * with neither @Public() nor @Authorize() is refused — secure by default.
 */
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import { AUTHORIZE_KEY, PUBLIC_KEY, Requirement } from '../platform/auth/auth.decorators';
import { ForbiddenError } from '../platform/errors/errors';
import { AccessService, Caller } from './access.service';

export type AuthenticatedRequest = Request & { caller?: Caller };

export function requestOf(context: ExecutionContext): AuthenticatedRequest {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<{ req: AuthenticatedRequest }>().req;
  }
  return context.switchToHttp().getRequest<AuthenticatedRequest>();
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = requestOf(context);
    // One authentication per HTTP request, even when a GraphQL document has several root fields.
    const caller = await this.access.authenticateRequest(req);
    const requirement = this.reflector.getAllAndOverride<Requirement | undefined>(AUTHORIZE_KEY, targets);
    if (!requirement) {
      throw new ForbiddenError('This operation declares no access policy and is therefore closed.');
    }
    this.access.authorize(caller, requirement.action, requirement.subject);
    return true;
  }
}
