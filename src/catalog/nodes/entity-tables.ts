/**
 * Where each kind's typed fields live. Every typed table's primary key is its node id, so any entity is
 * the `node` row plus one typed row with the same id. Column aliases are the GraphQL field names.
 */
import { NodeKind } from './node.types';

export interface EntityTable {
  table: string;
  columns: string;
}

export const ENTITY_TABLES: Record<NodeKind, EntityTable> = {
  [NodeKind.DATASET]: {
    table: 'dataset',
    columns: `t.namespace, t.latest_version AS "latestVersionNumber"`,
  },
  [NodeKind.DATASET_VERSION]: {
    table: 'dataset_version',
    columns: `t.dataset_id::text AS "datasetId", t.version, t.content_hash AS "contentHash",
      t.location_uri AS "locationUri", t.columns, t.statistics`,
  },
  [NodeKind.FEATURE_VIEW]: {
    table: 'feature_view',
    columns: `t.entities, t.source_dataset_id::text AS "sourceDatasetId"`,
  },
  [NodeKind.CODE_VERSION]: {
    table: 'code_version',
    columns: `t.repository_url AS "repositoryUrl", t.commit_sha AS "commitSha", t.path, t.branch, t.author,
      t.committed_at AS "committedAt"`,
  },
  [NodeKind.MODEL]: {
    table: 'model',
    columns: `t.latest_version AS "latestVersionNumber"`,
  },
  [NodeKind.MODEL_VERSION]: {
    table: 'model_version',
    columns: `t.model_id::text AS "modelId", t.version, t.artifact_uri AS "artifactUri",
      t.artifact_sha256 AS "artifactSha256", t.framework, t.signature, t.metrics, t.params, t.stage,
      t.stage_changed_at AS "stageChangedAt"`,
  },
  [NodeKind.RUN]: {
    table: 'run',
    columns: `t.run_key AS "runId", t.kind AS "runKind", t.status, t.started_at AS "startedAt",
      t.ended_at AS "endedAt", t.params, t.metrics, t.gpu_type AS "gpuType", t.gpu_count AS "gpuCount",
      t.gpu_hours AS "gpuHours", t.energy_kwh AS "energyKwh", t.parent_run_id::text AS "parentRunId"`,
  },
  [NodeKind.DEPLOYMENT]: { table: 'deployment', columns: `t.environment, t.prediction_payloads AS "predictionPayloads"` },
  [NodeKind.CONTEXT]: { table: 'context', columns: `t.context_kind AS "contextKind"` },
};

export const NODE_COLUMNS = `n.id::text AS "id", n.kind, n.urn, n.name, n.parent_id::text AS "parentId",
  n.description, n.owner_team AS "ownerTeam", n.domain, n.tags, n.classifications, n.properties,
  n.created_at AS "createdAt", n.updated_at AS "updatedAt"`;
