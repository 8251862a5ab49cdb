/**
 * decode → validate → normalize, one event at a time, without touching the database: turns what a transport
 * received into a DecodedEvent with its idempotency key, or a clear error (which becomes a dead letter).
 */
import { ObservedRun } from '../catalog/batch/run-batch.types';
import { makeUrn } from '../platform/graph/urn';
import { NodeKind } from '../platform/graph/node-kind';
import { datasetUrn } from '../catalog/datasets/datasets.service';
import { compiledSchemas, describeErrors } from './events/event-schemas';
import { OpenLineageRunEvent } from './events/openlineage.types';
import { PedigreeEvent } from './events/pedigree.types';
import { openLineageKey, toObservedRun } from './openlineage/to-observed-run';
import { pedigreeEventKey } from './pedigree/pedigree-applier';

export type DecodedEvent =
  | { format: 'openlineage'; key: string; event: OpenLineageRunEvent; run: ObservedRun }
  | { format: 'pedigree'; key: string; event: PedigreeEvent };

export class EventError extends Error {}

/** Largest event accepted, in bytes of JSON. */
export const MAX_EVENT_BYTES = 1024 * 1024;

export function parseBody(body: unknown): unknown {
  if (typeof body !== 'string' && !Buffer.isBuffer(body)) return body;
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
  if (Buffer.byteLength(text) > MAX_EVENT_BYTES) throw new EventError(`The event is larger than ${MAX_EVENT_BYTES} bytes.`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new EventError(`The event is not valid JSON: ${(err as Error).message}`);
  }
}

export function decodeEvent(body: unknown): DecodedEvent {
  const value = parseBody(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new EventError('An event must be a JSON object.');
  const schemas = compiledSchemas();
  if ('type' in value) {
    if (!schemas.pedigree(value)) throw new EventError(`Not a valid Pedigree event: ${describeErrors(schemas.pedigree.errors)}.`);
    const event = value as PedigreeEvent;
    return { format: 'pedigree', key: pedigreeEventKey(event), event };
  }
  if ('run' in value || 'job' in value || 'eventType' in value) {
    if (!schemas.openlineage(value)) throw new EventError(`Not a valid OpenLineage RunEvent: ${describeErrors(schemas.openlineage.errors)}.`);
    const event = value as OpenLineageRunEvent;
    return { format: 'openlineage', key: openLineageKey(event), event, run: toObservedRun(event) };
  }
  throw new EventError('Neither an OpenLineage RunEvent (run, job, eventTime) nor a Pedigree event (type, eventId, payload).');
}

/** Reads a nested value of an unvalidated JSON value, or undefined. */
function at(v: unknown, ...path: (string | number)[]): unknown {
  let cur = v;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

const usable = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length < 500;
const list = (x: unknown): unknown[] => (Array.isArray(x) ? x.slice(0, 100) : []);

/** URNs an event mentions, best effort even for invalid events: dead letters are findable by them. */
export function mentionedUrns(body: unknown): string[] {
  let v: unknown;
  try {
    v = parseBody(body);
  } catch {
    return [];
  }
  const urns = new Set<string>();
  const dataset = (d: unknown) => {
    const [ns, name] = [at(d, 'namespace'), at(d, 'name')];
    if (usable(ns) && usable(name)) urns.add(datasetUrn(ns, name));
  };
  const runId = at(v, 'run', 'runId');
  if (usable(runId)) urns.add(makeUrn(NodeKind.RUN, runId.toLowerCase()));
  [...list(at(v, 'inputs')), ...list(at(v, 'outputs'))].forEach(dataset);
  const p = at(v, 'payload');
  const models = [at(p, 'model', 'name'), at(p, 'modelVersion', 'model'), ...list(at(p, 'traffic')).map((t) => at(t, 'modelVersion', 'model'))];
  for (const m of models) if (usable(m)) urns.add(makeUrn(NodeKind.MODEL, m));
  const deployment = at(p, 'deployment', 'name');
  if (usable(deployment)) urns.add(makeUrn(NodeKind.DEPLOYMENT, deployment));
  for (const r of [at(p, 'runId'), at(p, 'trainedByRunId')]) if (usable(r)) urns.add(makeUrn(NodeKind.RUN, r));
  [at(p, 'dataset'), at(p, 'sourceDataset')].forEach(dataset);
  return [...urns].slice(0, 200);
}
