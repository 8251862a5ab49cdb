/**
 * Rate-limits failed authentications per source (IP address): after `max` failures within a minute, every
 * attempt from that source — right or wrong — is refused until the minute is over, so guessing keys costs
 * a minute per `max` guesses. Memory is bounded (the oldest sources are forgotten first).
 */
const WINDOW_MS = 60_000;
const MAX_SOURCES = 100_000;

export class FailureLimiter {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(private readonly max: number) {}

  /** Whether the source is refused for now; the seconds until it may try again. */
  blocked(source: string, now = Date.now()): number {
    const w = this.windows.get(source);
    if (!w || now - w.start >= WINDOW_MS) return 0;
    return w.failures >= this.max ? Math.ceil((w.start + WINDOW_MS - now) / 1000) : 0;
  }

  fail(source: string, now = Date.now()): void {
    let w = this.windows.get(source);
    if (!w || now - w.start >= WINDOW_MS) {
      this.windows.delete(source);
      if (this.windows.size >= MAX_SOURCES) this.windows.delete(this.windows.keys().next().value!);
      w = { start: now, failures: 0 };
      this.windows.set(source, w);
    }
    w.failures += 1;
  }
}
