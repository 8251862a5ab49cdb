/**
 * JSON Schema for the OpenLineage RunEvent (spec 2-0-x) as Pedigree accepts it. The facets Pedigree maps
 * are typed; every other facet is accepted as any JSON object and kept raw. Bounds (lengths, counts) keep a
 * single event from exhausting memory or the database. Written to schema/events/ by `npm run schema:generate`.
 */
const str = (max: number, min = 1) => ({ type: 'string', minLength: min, maxLength: max });
const count = { type: 'integer', minimum: 0 };
const facet = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties: { _producer: str(2000), _schemaURL: str(2000), _deleted: { type: 'boolean' }, ...properties },
  required,
});

/** An input or output dataset: namespace, name, dataset facets, and its role's own facets. */
const datasetWith = (roleFacets: 'inputFacets' | 'outputFacets', known: Record<string, unknown>) => ({
  type: 'object',
  required: ['namespace', 'name'],
  properties: {
    namespace: str(300),
    name: str(500),
    facets: { $ref: '#/definitions/DatasetFacets' },
    [roleFacets]: { type: 'object', additionalProperties: { type: 'object' }, properties: known },
  },
});

export const OPENLINEAGE_RUN_EVENT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://pedigree.dev/schema/events/openlineage-run-event.schema.json',
  title: 'OpenLineage RunEvent',
  description:
    'An OpenLineage RunEvent (https://openlineage.io/spec/2-0-2/OpenLineage.json). Unknown facets are kept as given.',
  type: 'object',
  required: ['eventTime', 'run', 'job'],
  properties: {
    eventType: { enum: ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'] },
    eventTime: { type: 'string', format: 'date-time' },
    producer: str(2000),
    schemaURL: str(2000),
    run: {
      type: 'object',
      required: ['runId'],
      properties: {
        runId: { type: 'string', format: 'uuid' },
        facets: { $ref: '#/definitions/RunFacets' },
      },
    },
    job: {
      type: 'object',
      required: ['namespace', 'name'],
      properties: { namespace: str(300), name: str(500), facets: { $ref: '#/definitions/JobFacets' } },
    },
    inputs: { type: 'array', maxItems: 500, items: { $ref: '#/definitions/InputDataset' } },
    outputs: { type: 'array', maxItems: 500, items: { $ref: '#/definitions/OutputDataset' } },
  },
  definitions: {
    RunFacets: {
      type: 'object',
      additionalProperties: { type: 'object' },
      properties: {
        parent: facet(
          {
            run: { type: 'object', required: ['runId'], properties: { runId: { type: 'string', format: 'uuid' } } },
            job: { type: 'object', required: ['namespace', 'name'], properties: { namespace: str(300), name: str(500) } },
          },
          ['run', 'job'],
        ),
        nominalTime: facet(
          { nominalStartTime: { type: 'string', format: 'date-time' }, nominalEndTime: { type: 'string', format: 'date-time' } },
          ['nominalStartTime'],
        ),
        errorMessage: facet({ message: str(20000, 0), programmingLanguage: str(100, 0), stackTrace: str(100000, 0) }, ['message']),
      },
    },
    JobFacets: {
      type: 'object',
      additionalProperties: { type: 'object' },
      properties: {
        sourceCodeLocation: facet(
          { type: str(100, 0), url: str(2000), repoUrl: str(2000), path: str(2000, 0), version: str(200), tag: str(200, 0), branch: str(200, 0) },
          ['url'],
        ),
        sql: facet({ query: str(100000, 0) }, ['query']),
        jobType: facet({ processingType: str(50), integration: str(100), jobType: str(100, 0) }, ['processingType', 'integration']),
      },
    },
    DatasetFacets: {
      type: 'object',
      additionalProperties: { type: 'object' },
      properties: {
        schema: facet({
          fields: {
            type: 'array',
            maxItems: 2000,
            items: { type: 'object', required: ['name'], properties: { name: str(300), type: str(300, 0), description: str(10000, 0) } },
          },
        }),
        dataSource: facet({ name: str(300, 0), uri: str(2000, 0) }),
        version: facet({ datasetVersion: str(300) }, ['datasetVersion']),
        lifecycleStateChange: facet(
          {
            lifecycleStateChange: { enum: ['ALTER', 'CREATE', 'DROP', 'OVERWRITE', 'RENAME', 'TRUNCATE'] },
            previousIdentifier: { type: 'object', properties: { namespace: str(300), name: str(500) } },
          },
          ['lifecycleStateChange'],
        ),
        columnLineage: facet(
          {
            fields: {
              type: 'object',
              maxProperties: 2000,
              additionalProperties: {
                type: 'object',
                required: ['inputFields'],
                properties: {
                  inputFields: {
                    type: 'array',
                    maxItems: 1000,
                    items: {
                      type: 'object',
                      required: ['namespace', 'name', 'field'],
                      properties: {
                        namespace: str(300),
                        name: str(500),
                        field: str(300),
                        transformations: {
                          type: 'array',
                          maxItems: 20,
                          items: { type: 'object', properties: { type: str(100, 0), subtype: str(100, 0), description: str(2000, 0), masking: { type: 'boolean' } } },
                        },
                      },
                    },
                  },
                  transformationDescription: str(2000, 0),
                  transformationType: str(100, 0),
                },
              },
            },
          },
          ['fields'],
        ),
        dataQualityMetrics: { $ref: '#/definitions/DataQualityMetrics' },
      },
    },
    DataQualityMetrics: facet({
      rowCount: count,
      bytes: count,
      fileCount: count,
      columnMetrics: {
        type: 'object',
        maxProperties: 2000,
        additionalProperties: {
          type: 'object',
          properties: {
            nullCount: count,
            distinctCount: count,
            sum: { type: 'number' },
            count: { type: 'number' },
            min: { type: 'number' },
            max: { type: 'number' },
            quantiles: { type: 'object', additionalProperties: { type: 'number' } },
          },
        },
      },
    }),
    InputDataset: datasetWith('inputFacets', { dataQualityMetrics: { $ref: '#/definitions/DataQualityMetrics' } }),
    OutputDataset: datasetWith('outputFacets', { outputStatistics: facet({ rowCount: count, size: count, fileCount: count }) }),
  },
} as const;
