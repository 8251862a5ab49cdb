/**
 * A few large buffers kept for reuse. A fresh multi-megabyte buffer per batch is external memory to V8, and
 * its churn made V8 run a full collection every few batches; ingestion only has a handful in flight at a time.
 * A buffer taken from the pool holds old bytes: callers write before they read, and hand out only what they
 * wrote.
 */
const MIB = 1 << 20;

export class BufferPool {
  private readonly free: Buffer[] = [];

  /** Keeps up to `keep` free buffers of at most `maxBytes` each; larger requests are served and forgotten. */
  constructor(
    private readonly keep: number,
    readonly maxBytes: number,
  ) {}

  take(size: number): Buffer {
    const i = this.free.findIndex((b) => b.length >= size);
    if (i >= 0) return this.free.splice(i, 1)[0];
    return Buffer.allocUnsafe(size <= this.maxBytes ? Math.min(this.maxBytes, Math.ceil(size / MIB) * MIB) : size);
  }

  give(buf: Buffer): void {
    if (buf.length <= this.maxBytes && this.free.length < this.keep && !this.free.includes(buf)) this.free.push(buf);
  }
}
