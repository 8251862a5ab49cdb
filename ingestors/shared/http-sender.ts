/**
 * What every ingestor shares: it is a client of Pedigree's public HTTP API (never a back door into the
 * database). Sends batches of events to POST /api/v1/events with a bounded number in flight, retries what
 * the server could not take for now (503, network errors) with backoff, stops on authentication errors, and
 * keeps the totals for the summary.
 */
export interface SendTotals {
  sent: number;
  applied: number;
  duplicates: number;
  deadLettered: number;
  /** Batches that could not be delivered at all (after retries). */
  failedBatches: number;
  errors: string[];
}

export class FatalIngestError extends Error {}

export interface SenderOptions {
  url: string;
  apiKey: string;
  concurrency: number;
  retries?: number;
  /** Called after each delivered batch with the events it held. */
  onBatch?: (events: number) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class HttpSender {
  readonly totals: SendTotals = { sent: 0, applied: 0, duplicates: 0, deadLettered: 0, failedBatches: 0, errors: [] };
  private readonly inFlight = new Set<Promise<void>>();
  private fatal?: Error;

  constructor(private readonly options: SenderOptions) {}

  /** Queues one batch (items are JSON texts of events); waits while `concurrency` batches are in flight. */
  async send(events: string[]): Promise<void> {
    if (this.fatal) throw this.fatal;
    while (this.inFlight.size >= this.options.concurrency) await Promise.race(this.inFlight);
    if (this.fatal) throw this.fatal;
    const p: Promise<void> = this.deliver(events).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  async flush(): Promise<SendTotals> {
    await Promise.all(this.inFlight);
    if (this.fatal) throw this.fatal;
    return this.totals;
  }

  private async deliver(events: string[]): Promise<void> {
    const body = `[${events.join(',')}]`;
    const retries = this.options.retries ?? 5;
    for (let attempt = 0; ; attempt++) {
      let status = 0;
      let text = '';
      try {
        const res = await fetch(`${this.options.url.replace(/\/$/, '')}/api/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.apiKey}` },
          body,
        });
        status = res.status;
        text = await res.text();
      } catch (err) {
        text = (err as Error).message;
      }
      if (status === 200 || status === 400) {
        const result = safeJson(text) as { applied?: number; duplicates?: number; deadLettered?: number; errors?: { index: number; error: string }[]; error?: { message: string } } | undefined;
        if (result && typeof result.applied === 'number') {
          this.totals.sent += events.length;
          this.totals.applied += result.applied;
          this.totals.duplicates += result.duplicates ?? 0;
          this.totals.deadLettered += result.deadLettered ?? 0;
          for (const e of result.errors ?? []) if (this.totals.errors.length < 20) this.totals.errors.push(e.error);
          this.options.onBatch?.(events.length);
          return;
        }
        if (status === 400) return this.fail(events, `the server refused a batch: ${result?.error?.message ?? text.slice(0, 300)}`);
      }
      if (status === 401 || status === 403) {
        this.fatal = new FatalIngestError(`Pedigree refused the API key (${status}): ${(safeJson(text) as { error?: { message?: string } })?.error?.message ?? text.slice(0, 200)}`);
        return;
      }
      if (status === 413) return this.fail(events, 'a batch is larger than the server accepts; lower --batch-size');
      if (attempt >= retries) return this.fail(events, `gave up after ${retries + 1} attempts: ${status || ''} ${text.slice(0, 200)}`.trim());
      await sleep(Math.min(30_000, 500 * 2 ** attempt));
    }
  }

  private fail(events: string[], message: string): void {
    this.totals.sent += events.length;
    this.totals.failedBatches += 1;
    if (this.totals.errors.length < 20) this.totals.errors.push(message);
    this.options.onBatch?.(events.length);
  }
}

/** The JSON value of `text`, or undefined when it is not JSON. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
