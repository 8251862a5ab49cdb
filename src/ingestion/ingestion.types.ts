/** What transports hand to the ingestion pipeline, and what it answers. */
export type Origin =
  | { source: 'http' }
  | { source: 'kafka'; topic: string; partition: number; offset: string };

export interface RawEvent {
  /** The event: text or bytes as received (Kafka), or an already-parsed JSON value (HTTP). */
  body: unknown;
  origin: Origin;
}

export type OutcomeStatus = 'applied' | 'duplicate' | 'dead_lettered' | 'rejected';

export interface EventOutcome {
  index: number;
  status: OutcomeStatus;
  /** The idempotency key, when the event could be read. */
  key?: string;
  error?: string;
  deadLetterId?: string;
}

export interface IngestSummary {
  received: number;
  applied: number;
  duplicates: number;
  deadLettered: number;
  outcomes: EventOutcome[];
}

/** Counts of the outcomes of a batch, or of one request's part of it. */
export function summarize(outcomes: EventOutcome[]): IngestSummary {
  const count = (s: OutcomeStatus) => outcomes.filter((o) => o.status === s).length;
  return {
    received: outcomes.length,
    applied: count('applied'),
    duplicates: count('duplicate'),
    deadLettered: count('dead_lettered') + count('rejected'),
    outcomes,
  };
}
