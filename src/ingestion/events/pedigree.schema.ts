/**
 * JSON Schema for Pedigree's own events: what OpenLineage does not cover (models, stages, deployments,
 * feature views, GPU training progress, dataset profiles). Every event has an envelope — `type`, `eventId`
 * (the idempotency key), `eventTime`, `producer`, `schemaVersion` — and a `payload` whose shape the type
 * decides. Entities are named by natural keys (model name, dataset namespace + name, run id), as producers
 * know them, not by URN. Written to schema/events/ by `npm run schema:generate`.
 */
const str = (max: number, min = 1) => ({ type: 'string', minLength: min, maxLength: max });
const nonNegative = { type: 'number', minimum: 0 };
const label = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}$' };
const sha256 = { type: 'string', pattern: '^[0-9a-f]{64}$' };
const metrics = { type: 'object', maxProperties: 500, additionalProperties: { type: 'number' } };
const freeForm = { type: 'object', maxProperties: 500 };
const ownership = {
  description: str(10000, 0),
  ownerTeam: str(200),
  domain: str(200),
  tags: { type: 'array', maxItems: 100, items: label },
  classifications: { type: 'array', maxItems: 100, items: label },
  properties: freeForm,
};
const datasetRef = {
  type: 'object',
  required: ['namespace', 'name'],
  additionalProperties: false,
  properties: { namespace: str(300), name: str(500) },
};
/** A model version named by its model and either its number or its artifact hash. */
const modelVersionRef = {
  type: 'object',
  required: ['model'],
  additionalProperties: false,
  properties: { model: str(300), version: { type: 'integer', minimum: 1 }, artifactSha256: sha256 },
  oneOf: [{ required: ['version'] }, { required: ['artifactSha256'] }],
};
const tensor = {
  type: 'object',
  required: ['name', 'dtype'],
  additionalProperties: false,
  properties: { name: str(300), dtype: str(50), shape: { type: 'array', maxItems: 16, items: { type: 'integer', minimum: -1 } } },
};

const event = (type: string, payload: Record<string, unknown>) => ({
  type: 'object',
  required: ['type', 'eventId', 'eventTime', 'producer', 'schemaVersion', 'payload'],
  additionalProperties: false,
  properties: {
    type: { const: type },
    eventId: str(200),
    eventTime: { type: 'string', format: 'date-time' },
    producer: str(2000),
    schemaVersion: { type: 'string', pattern: '^1\\.[0-9]+$' },
    payload,
  },
});

export const PEDIGREE_EVENT_TYPES = [
  'model_version.registered',
  'model.stage_changed',
  'deployment.revised',
  'feature_view.defined',
  'training.progress',
  'dataset.profiled',
] as const;
export type PedigreeEventType = (typeof PEDIGREE_EVENT_TYPES)[number];

export const PEDIGREE_EVENT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://pedigree.dev/schema/events/pedigree-event.schema.json',
  title: 'Pedigree event',
  description: 'One Pedigree event; `type` selects the payload. schemaVersion 1.x.',
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: [
    event('model_version.registered', {
      type: 'object',
      required: ['model'],
      additionalProperties: false,
      properties: {
        model: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: str(300), ...ownership } },
        artifactUri: str(2000),
        artifactSha256: sha256,
        framework: str(100),
        signature: {
          type: 'object',
          additionalProperties: false,
          properties: { inputs: { type: 'array', maxItems: 1000, items: tensor }, outputs: { type: 'array', maxItems: 1000, items: tensor } },
        },
        metrics,
        params: freeForm,
        trainedByRunId: str(300),
        ...ownership,
      },
    }),
    event('model.stage_changed', {
      type: 'object',
      required: ['modelVersion', 'stage'],
      additionalProperties: false,
      properties: {
        modelVersion: modelVersionRef,
        stage: { enum: ['none', 'staging', 'production', 'archived'] },
        archiveExisting: { type: 'boolean' },
      },
    }),
    event('deployment.revised', {
      type: 'object',
      required: ['deployment', 'traffic'],
      additionalProperties: false,
      properties: {
        deployment: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: str(300), environment: str(100), ...ownership },
        },
        traffic: {
          type: 'array',
          minItems: 1,
          maxItems: 20,
          items: {
            type: 'object',
            required: ['modelVersion', 'trafficShare'],
            additionalProperties: false,
            properties: { modelVersion: modelVersionRef, trafficShare: { type: 'number', exclusiveMinimum: 0, maximum: 1 } },
          },
        },
        validFrom: { type: 'string', format: 'date-time' },
      },
    }),
    event('feature_view.defined', {
      type: 'object',
      required: ['name', 'features'],
      additionalProperties: false,
      properties: {
        name: str(300),
        entities: { type: 'array', maxItems: 20, items: str(200) },
        sourceDataset: datasetRef,
        features: {
          type: 'array',
          minItems: 1,
          maxItems: 2000,
          items: {
            type: 'object',
            required: ['name', 'dtype'],
            additionalProperties: false,
            properties: { name: str(300), dtype: str(100), description: str(2000, 0) },
          },
        },
        ...ownership,
      },
    }),
    event('training.progress', {
      type: 'object',
      required: ['runId'],
      additionalProperties: false,
      properties: {
        runId: str(300),
        name: str(300),
        status: { enum: ['running', 'completed', 'failed', 'aborted'] },
        startedAt: { type: 'string', format: 'date-time' },
        step: { type: 'integer', minimum: 0 },
        epoch: nonNegative,
        metrics,
        gpu: {
          type: 'object',
          additionalProperties: false,
          properties: {
            type: str(100),
            count: { type: 'integer', minimum: 0, maximum: 100000 },
            utilizationPercent: { type: 'number', minimum: 0, maximum: 100 },
            memoryUsedGiB: nonNegative,
          },
        },
        gpuHours: nonNegative,
        energyKwh: nonNegative,
      },
    }),
    event('dataset.profiled', {
      type: 'object',
      required: ['dataset', 'statistics'],
      additionalProperties: false,
      properties: {
        dataset: datasetRef,
        datasetVersion: str(300),
        statistics: {
          type: 'object',
          additionalProperties: false,
          properties: {
            rowCount: { type: 'integer', minimum: 0 },
            bytes: { type: 'integer', minimum: 0 },
            columns: {
              type: 'array',
              maxItems: 2000,
              items: {
                type: 'object',
                required: ['name'],
                additionalProperties: false,
                properties: {
                  name: str(300),
                  nullFraction: { type: 'number', minimum: 0, maximum: 1 },
                  distinctCount: { type: 'integer', minimum: 0 },
                  min: { type: ['number', 'string'] },
                  max: { type: ['number', 'string'] },
                },
              },
            },
          },
        },
      },
    }),
  ],
} as const;
