/**
 * Foundation: the node spine, lineage edges (bitemporal: valid_from / valid_to / recorded_at), the typed
 * catalog tables, deployments with append-only revisions, contexts, and principals with hashed API keys.
 * Every catalogued row's primary key IS its node id, so lineage, search and policies see one id space.
 */
import { MigrationInterface, QueryRunner } from 'typeorm';

const UP = `
CREATE TABLE node (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('dataset','dataset_version','feature_view','code_version',
                                                'model','model_version','run','deployment','context')),
  urn             text NOT NULL CHECK (length(urn) BETWEEN 14 AND 1024),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 1024),
  parent_id       bigint REFERENCES node(id),
  description     text CHECK (length(description) <= 10000),
  owner_team      text,
  domain          text,
  tags            text[] NOT NULL DEFAULT '{}',
  classifications text[] NOT NULL DEFAULT '{}',
  properties      jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(properties) = 'object'),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX node_urn_key ON node (urn);
CREATE INDEX node_kind_id ON node (kind, id);
CREATE INDEX node_parent ON node (parent_id, id) WHERE parent_id IS NOT NULL;
CREATE INDEX node_kind_owner_team ON node (kind, owner_team, id);
CREATE INDEX node_kind_domain ON node (kind, domain, id);
CREATE INDEX node_kind_name ON node (kind, name text_pattern_ops);
CREATE INDEX node_tags ON node USING gin (tags);
CREATE INDEX node_classifications ON node USING gin (classifications);

CREATE TABLE edge (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  from_node   bigint NOT NULL REFERENCES node(id),
  to_node     bigint NOT NULL REFERENCES node(id),
  kind        text NOT NULL CHECK (kind IN ('INPUT','OUTPUT','CODE','SOURCE','SERVES')),
  valid_from  timestamptz NOT NULL DEFAULT now(),
  valid_to    timestamptz,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CHECK (from_node <> to_node),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE UNIQUE INDEX edge_open_key ON edge (from_node, to_node, kind) WHERE valid_to IS NULL;
CREATE INDEX edge_from ON edge (from_node, kind) INCLUDE (to_node, valid_from, valid_to);
CREATE INDEX edge_to ON edge (to_node, kind) INCLUDE (from_node, valid_from, valid_to);

CREATE TABLE dataset (
  id             bigint PRIMARY KEY REFERENCES node(id),
  namespace      text NOT NULL,
  name           text NOT NULL,
  latest_version integer NOT NULL DEFAULT 0,
  UNIQUE (namespace, name)
);

CREATE TABLE dataset_version (
  id           bigint PRIMARY KEY REFERENCES node(id),
  dataset_id   bigint NOT NULL REFERENCES dataset(id),
  version      integer NOT NULL CHECK (version > 0),
  content_hash text,
  location_uri text,
  columns      jsonb NOT NULL DEFAULT '[]'::jsonb,
  statistics   jsonb,
  UNIQUE (dataset_id, version)
);
CREATE UNIQUE INDEX dataset_version_hash ON dataset_version (dataset_id, content_hash) WHERE content_hash IS NOT NULL;

CREATE TABLE feature_view (
  id                bigint PRIMARY KEY REFERENCES node(id),
  entities          text[] NOT NULL DEFAULT '{}',
  source_dataset_id bigint REFERENCES dataset(id)
);
CREATE INDEX feature_view_source ON feature_view (source_dataset_id) WHERE source_dataset_id IS NOT NULL;

CREATE TABLE feature (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  feature_view_id bigint NOT NULL REFERENCES feature_view(id),
  name            text NOT NULL,
  dtype           text NOT NULL,
  description     text,
  UNIQUE (feature_view_id, name)
);

CREATE TABLE code_version (
  id             bigint PRIMARY KEY REFERENCES node(id),
  repository_url text NOT NULL,
  commit_sha     text NOT NULL,
  path           text NOT NULL DEFAULT '',
  branch         text,
  author         text,
  committed_at   timestamptz,
  UNIQUE (repository_url, commit_sha, path)
);

CREATE TABLE model (
  id             bigint PRIMARY KEY REFERENCES node(id),
  latest_version integer NOT NULL DEFAULT 0
);

CREATE TABLE model_version (
  id              bigint PRIMARY KEY REFERENCES node(id),
  model_id        bigint NOT NULL REFERENCES model(id),
  version         integer NOT NULL CHECK (version > 0),
  artifact_uri    text,
  artifact_sha256 text CHECK (artifact_sha256 ~ '^[0-9a-f]{64}$'),
  framework       text,
  signature       jsonb,
  metrics         jsonb NOT NULL DEFAULT '{}'::jsonb,
  params          jsonb NOT NULL DEFAULT '{}'::jsonb,
  stage           text NOT NULL DEFAULT 'none' CHECK (stage IN ('none','staging','production','archived')),
  stage_changed_at timestamptz,
  UNIQUE (model_id, version)
);
CREATE UNIQUE INDEX model_version_artifact ON model_version (model_id, artifact_sha256) WHERE artifact_sha256 IS NOT NULL;
CREATE UNIQUE INDEX model_version_one_production ON model_version (model_id) WHERE stage = 'production';

CREATE TABLE run (
  id            bigint PRIMARY KEY REFERENCES node(id),
  run_key       text NOT NULL UNIQUE,
  kind          text NOT NULL CHECK (kind IN ('training','pipeline_step','evaluation','batch_inference','data_processing')),
  status        text NOT NULL CHECK (status IN ('scheduled','running','completed','failed','aborted')),
  started_at    timestamptz,
  ended_at      timestamptz,
  params        jsonb NOT NULL DEFAULT '{}'::jsonb,
  metrics       jsonb NOT NULL DEFAULT '{}'::jsonb,
  gpu_type      text,
  gpu_count     integer CHECK (gpu_count >= 0),
  gpu_hours     double precision CHECK (gpu_hours >= 0),
  energy_kwh    double precision CHECK (energy_kwh >= 0),
  parent_run_id bigint REFERENCES run(id),
  CHECK (ended_at IS NULL OR started_at IS NULL OR ended_at >= started_at)
);
CREATE INDEX run_parent ON run (parent_run_id) WHERE parent_run_id IS NOT NULL;
CREATE INDEX run_kind_status ON run (kind, status);

CREATE TABLE deployment (
  id          bigint PRIMARY KEY REFERENCES node(id),
  environment text
);

CREATE TABLE deployment_revision (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  deployment_id    bigint NOT NULL REFERENCES deployment(id),
  model_version_id bigint NOT NULL REFERENCES model_version(id),
  traffic_share    numeric(6,5) NOT NULL CHECK (traffic_share > 0 AND traffic_share <= 1),
  valid_from       timestamptz NOT NULL,
  valid_to         timestamptz,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX deployment_revision_deployment ON deployment_revision (deployment_id, valid_from);
CREATE INDEX deployment_revision_model_version ON deployment_revision (model_version_id, valid_from);
CREATE UNIQUE INDEX deployment_revision_open ON deployment_revision (deployment_id, model_version_id) WHERE valid_to IS NULL;

CREATE TABLE context (
  id           bigint PRIMARY KEY REFERENCES node(id),
  context_kind text NOT NULL CHECK (context_kind IN ('experiment','pipeline','project'))
);

CREATE TABLE context_member (
  context_id bigint NOT NULL REFERENCES context(id),
  node_id    bigint NOT NULL REFERENCES node(id),
  added_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (context_id, node_id)
);
CREATE INDEX context_member_node ON context_member (node_id);

CREATE TABLE principal (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  kind        text NOT NULL CHECK (kind IN ('user','service')),
  roles       text[] NOT NULL DEFAULT '{reader}',
  teams       text[] NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz
);

CREATE TABLE api_key (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  principal_id bigint NOT NULL REFERENCES principal(id),
  name         text NOT NULL,
  prefix       text NOT NULL,
  key_hash     bytea NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  revoked_at   timestamptz,
  last_used_at timestamptz
);
CREATE INDEX api_key_principal ON api_key (principal_id);
`;

const DOWN = `
DROP TABLE api_key; DROP TABLE principal; DROP TABLE context_member; DROP TABLE context;
DROP TABLE deployment_revision; DROP TABLE deployment; DROP TABLE run; DROP TABLE model_version;
DROP TABLE model; DROP TABLE code_version; DROP TABLE feature; DROP TABLE feature_view;
DROP TABLE dataset_version; DROP TABLE dataset; DROP TABLE edge; DROP TABLE node;
`;

export class Foundation1763884800000 implements MigrationInterface {
  name = 'Foundation1763884800000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(UP);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(DOWN);
  }
}
