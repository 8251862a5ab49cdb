/**
 * A request body as an async iterable of chunks, refused with 413 as soon as it passes `limit` bytes (or
 * declares more in Content-Length): a 2 GB upload costs the service nothing beyond the limit.
 */
import type { Request } from 'express';
import { InvalidInputError, PayloadTooLargeError } from '../../platform/errors/errors';
import { BufferPool } from '../ingest/buffer-pool';

/** Bodies of requests in flight that declared their length, reused (see BufferPool). */
const bodies = new BufferPool(4, 16 << 20);

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

/**
 * A body that declares a Content-Length of at most 16 MiB (and within `limit`), read whole into one reused
 * buffer: Arrow then decodes it in place instead of joining socket chunks into fresh buffers. Undefined when
 * the body should be streamed instead (no length declared, or a larger one). Call `release` once nothing
 * decoded from the bytes is in use any more.
 */
export async function wholeBody(req: Request, limit: number): Promise<{ bytes: Uint8Array; release(): void } | undefined> {
  const declared = Number(req.headers['content-length']);
  if (!Number.isInteger(declared) || declared <= 0 || declared > Math.min(limit, bodies.maxBytes)) return undefined;
  const buf = bodies.take(declared);
  let at = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      if (at + chunk.length > declared) throw new InvalidInputError(`The body is longer than its Content-Length (${declared} bytes); nothing was stored.`);
      chunk.copy(buf, at);
      at += chunk.length;
    }
  } catch (err) {
    bodies.give(buf);
    throw err;
  }
  if (at !== declared) {
    bodies.give(buf);
    throw new InvalidInputError(`The body ended after ${at} of the ${declared} bytes its Content-Length declares; nothing was stored.`);
  }
  return { bytes: buf.subarray(0, declared), release: () => bodies.give(buf) };
}
