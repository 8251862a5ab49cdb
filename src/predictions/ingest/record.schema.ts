/**
 * One prediction record as JSON (a line of `application/x-ndjson`, or a Kafka message value): the JSON
 * counterpart of the Arrow schema (arrow-decoder.ts). Committed as schema/events/prediction-record.schema.json.
 */
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { describeErrors } from '../../platform/validation/describe-errors';

const SHA256 = { type: 'string', pattern: '^[0-9a-fA-F]{64}$' };

export const PREDICTION_RECORD_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://pedigree.dev/schemas/prediction-record.json',
  title: 'Pedigree prediction record',
  description:
    'One logged prediction. Send many as JSON lines (POST /api/v1/predictions, Content-Type: application/x-ndjson) or as an Arrow IPC stream with the same fields in snake_case.',
  type: 'object',
  additionalProperties: false,
  required: ['predictionId', 'deployment', 'timestamp'],
  properties: {
    predictionId: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: 'Unique id of the prediction; a UUIDv7 (time-ordered) is recommended and speeds up storage and lookups.',
    },
    deployment: { type: 'string', minLength: 1, maxLength: 1024, description: 'Deployment URN (urn:pedigree:deployment:…) or numeric id.' },
    modelVersion: {
      type: 'string',
      minLength: 1,
      maxLength: 1024,
      description:
        'Model version URN that served the prediction. Optional when exactly one model version was live on the deployment at `timestamp`; required while several were (a canary).',
    },
    timestamp: {
      anyOf: [{ type: 'string', format: 'date-time' }, { type: 'number', description: 'milliseconds since the Unix epoch' }],
    },
    input: { description: 'The model input (any JSON). For replay: an object of ONNX input name → nested array, or a flat array / object of features.' },
    output: { description: 'The model output (any JSON).' },
    inputSha256: { ...SHA256, description: 'SHA-256 of the input JSON text, for producers that do not send payloads.' },
    outputSha256: { ...SHA256, description: 'SHA-256 of the output JSON text.' },
    latencyMs: { type: 'number', minimum: 0 },
    metadata: { type: 'object', description: 'Request metadata (e.g. caller, region); kept as JSON.' },
  },
} as const;

let validator: ValidateFunction | undefined;

/** Validates one record; returns a one-line error or null. */
export function recordError(record: unknown): string | null {
  if (!validator) {
    const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
    addFormats(ajv, ['date-time']);
    validator = ajv.compile(PREDICTION_RECORD_SCHEMA);
  }
  return validator(record) ? null : describeErrors(validator.errors, 'the record');
}
