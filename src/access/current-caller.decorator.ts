import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { UnauthenticatedError } from '../platform/errors/errors';
import type { Caller } from './access.service';
import { requestOf } from './auth.guard';

/** Injects the authenticated caller (set by AuthGuard). */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const caller = requestOf(context).caller;
  if (!caller) throw new UnauthenticatedError('Authentication required.');
  return caller;
});
