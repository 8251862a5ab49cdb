/**
 * A request body as an async iterable of chunks, refused with 413 as soon as it passes `limit` bytes (or
 * declares more in Content-Length): a 2 GB upload costs the service nothing beyond the limit.
 */
import type { Request } from 'express';
import { PayloadTooLargeError } from '../../platform/errors/errors';

export function limitedBody(req: Request, limit: number, what: string): AsyncIterable<Uint8Array> {
  const declared = Number(req.headers['content-length']);
  const refuse = () =>
    new PayloadTooLargeError(`The ${what} body is larger than ${limit} bytes (PEDIGREE_PREDICTIONS_MAX_BODY_BYTES); nothing was stored. Split it into several requests.`);
  if (Number.isFinite(declared) && declared > limit) throw refuse();
  return {
    async *[Symbol.asyncIterator]() {
      let seen = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        seen += chunk.length;
        if (seen > limit) {
          req.pause();
          throw refuse();
        }
        yield chunk;
      }
    },
  };
}
