/** Builders for ingestion events: OpenLineage RunEvents and Pedigree events, as producers send them. */
import { randomUUID } from 'node:crypto';

export interface OlDataset {
  namespace: string;
  name: string;
  facets?: Record<string, unknown>;
  inputFacets?: Record<string, unknown>;
  outputFacets?: Record<string, unknown>;
}

export interface OlOptions {
  runId: string;
  eventType: 'START' | 'RUNNING' | 'COMPLETE' | 'ABORT' | 'FAIL' | 'OTHER';
  eventTime: string;
  job?: { namespace: string; name: string; facets?: Record<string, unknown> };
  runFacets?: Record<string, unknown>;
  inputs?: OlDataset[];
  outputs?: OlDataset[];
}

export function olEvent(o: OlOptions): Record<string, unknown> {
  return {
    eventType: o.eventType,
    eventTime: o.eventTime,
    producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.20.0/integration/airflow',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: { runId: o.runId, facets: o.runFacets ?? {} },
    job: o.job ?? { namespace: 'airflow', name: 'etl.load' },
    inputs: o.inputs ?? [],
    outputs: o.outputs ?? [],
  };
}

export const schemaFacet = (fields: [string, string][]) => ({
  schema: {
    _producer: 'test',
    _schemaURL: 'https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json',
    fields: fields.map(([name, type]) => ({ name, type })),
  },
});

export const uuid = (): string => randomUUID();

let counter = 0;
export function pedigreeEvent(type: string, payload: Record<string, unknown>, eventTime = '2026-01-01T00:00:00Z', eventId?: string) {
  return { type, eventId: eventId ?? `evt-${process.pid}-${++counter}`, eventTime, producer: 'test-suite', schemaVersion: '1.0', payload };
}
