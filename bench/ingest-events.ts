/**
 * Generator for the ingestion benchmark: OpenLineage COMPLETE events as a pipeline fleet emits them — each
 * run reads 3 datasets and writes 2, every dataset with a schema facet, drawn from pools so that datasets
 * repeat across runs (inputs bind to their latest version, each output is a new version).
 */
import { randomUUID } from 'node:crypto';
import { rng } from '../test/support/random';

export const INPUT_POOL = 2_000;
export const OUTPUT_POOL = 5_000;
const COLUMNS = ['id', 'customer_id', 'amount', 'created_at', 'status', 'region'];

function dataset(namespace: string, name: string) {
  return {
    namespace,
    name,
    facets: {
      schema: {
        _producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.20.0/integration/spark',
        _schemaURL: 'https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json',
        fields: COLUMNS.map((c, i) => ({ name: c, type: i === 2 ? 'decimal(12,2)' : i === 3 ? 'timestamp' : 'string' })),
      },
    },
  };
}

export interface GeneratedEvent {
  runId: string;
  json: string;
}

export function generateEvents(count: number, seed = 7): GeneratedEvent[] {
  const random = rng(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const base = Date.UTC(2026, 0, 1);
  return Array.from({ length: count }, (_, i) => {
    const runId = randomUUID();
    const event = {
      eventType: 'COMPLETE',
      eventTime: new Date(base + i * 1000).toISOString(),
      producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.20.0/integration/spark',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
      run: { runId, facets: {} },
      job: { namespace: 'spark', name: `job_${pick(1_000)}` },
      inputs: [0, 1, 2].map(() => dataset('s3://lake', `raw/table_${pick(INPUT_POOL)}`)),
      outputs: [0, 1].map(() => dataset('s3://lake', `curated/table_${pick(OUTPUT_POOL)}`)),
    };
    return { runId, json: JSON.stringify(event) };
  });
}
