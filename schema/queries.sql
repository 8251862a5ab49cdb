-- Every statement a representative scenario sends (test/sql-snapshot.test.ts), normalized and sorted.

INSERT INTO audit_log (principal, action, target, outcome, request_id, details) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[]);

INSERT INTO code_version (id, repository_url, commit_sha, path, branch) SELECT id, repository_url, commit_sha, path, branch FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, repository_url text, commit_sha text, path text, branch text) ON CONFLICT (id) DO NOTHING;

INSERT INTO code_version AS c (id, repository_url, commit_sha, path, branch, author, committed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET branch = COALESCE(EXCLUDED.branch, c.branch), author = COALESCE(EXCLUDED.author, c.author), committed_at = COALESCE(EXCLUDED.committed_at, c.committed_at);

INSERT INTO column_lineage AS c (run_id, output_node, output_column, input_node, input_column, transformation) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[]) ON CONFLICT (output_node, output_column, input_node, input_column, run_id) DO UPDATE SET transformation = COALESCE(EXCLUDED.transformation, c.transformation);

INSERT INTO context (id, context_kind) SELECT unnest($1::bigint[]), 'pipeline' ON CONFLICT (id) DO NOTHING;

INSERT INTO context (id, context_kind) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING;

INSERT INTO context_member (context_id, node_id) SELECT DISTINCT c, n FROM unnest($1::bigint[], $2::bigint[]) AS x(c, n) ORDER BY c, n ON CONFLICT DO NOTHING;

INSERT INTO context_member (context_id, node_id) SELECT c, n FROM unnest($1::bigint[]) c CROSS JOIN unnest($2::bigint[]) n ON CONFLICT DO NOTHING;

INSERT INTO dataset AS d (id, namespace, name) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET namespace = d.namespace RETURNING d.namespace, d.name;

INSERT INTO dataset_version (id, dataset_id, version, content_hash, location_uri, columns, statistics) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb);

INSERT INTO dead_letter (source, topic, kafka_partition, kafka_offset, event_key, payload, payload_truncated, error, urns) SELECT source, topic, kafka_partition, kafka_offset, event_key, payload, payload_truncated, error, urns FROM jsonb_to_recordset($1::jsonb) AS x(source text, topic text, kafka_partition int, kafka_offset bigint, event_key text, payload text, payload_truncated boolean, error text, urns text[]) RETURNING id::text AS "id";

INSERT INTO deployment AS d (id, environment, prediction_payloads) VALUES ($1, $2, COALESCE($3, 'store')) ON CONFLICT (id) DO UPDATE SET environment = COALESCE(EXCLUDED.environment, d.environment), prediction_payloads = COALESCE($3, d.prediction_payloads);

INSERT INTO deployment_revision (deployment_id, model_version_id, traffic_share, valid_from) SELECT $1, mv, share, $4 FROM unnest($2::bigint[], $3::numeric[]) AS x(mv, share);

INSERT INTO edge (from_node, to_node, kind, valid_from) SELECT f, t, k, COALESCE(v, now()) FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[]) AS x(f, t, k, v) ON CONFLICT (from_node, to_node, kind) WHERE valid_to IS NULL DO NOTHING RETURNING id;

INSERT INTO event_receipt (event_key, source) SELECT k, s FROM unnest($1::text[], $2::text[]) AS x(k, s) ORDER BY k ON CONFLICT (event_key) DO NOTHING RETURNING event_key AS "key";

INSERT INTO feature AS f (feature_view_id, name, dtype, description) SELECT $1, n, d, x FROM unnest($2::text[], $3::text[], $4::text[]) AS u(n, d, x) ON CONFLICT (feature_view_id, name) DO UPDATE SET dtype = EXCLUDED.dtype, description = COALESCE(EXCLUDED.description, f.description);

INSERT INTO feature_view AS f (id, entities, source_dataset_id) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET entities = EXCLUDED.entities, source_dataset_id = COALESCE(EXCLUDED.source_dataset_id, f.source_dataset_id);

INSERT INTO model (id) VALUES ($1) ON CONFLICT (id) DO NOTHING;

INSERT INTO model_version (id, model_id, version, artifact_uri, artifact_sha256, framework, signature, metrics, params) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, COALESCE($8::jsonb, '{}'), COALESCE($9::jsonb, '{}'));

INSERT INTO node AS n (kind, urn, name, parent_id, description, owner_team, domain, tags, classifications, properties) VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8::text[], '{}'), COALESCE($9::text[], '{}'), COALESCE($10::jsonb, '{}')) ON CONFLICT (urn) DO UPDATE SET name = CASE WHEN n.kind = 'run' AND n.name = substr(n.urn, 18) THEN EXCLUDED.name ELSE n.name END, description = COALESCE($5, n.description), owner_team = COALESCE($6, n.owner_team), domain = COALESCE($7, n.domain), tags = COALESCE($8::text[], n.tags), classifications = COALESCE($9::text[], n.classifications), properties = COALESCE($10::jsonb, n.properties), updated_at = CASE WHEN (COALESCE($5, n.description), COALESCE($6, n.owner_team), COALESCE($7, n.domain), COALESCE($8::text[], n.tags), COALESCE($9::text[], n.classifications), COALESCE($10::jsonb, n.properties)) IS DISTINCT FROM (n.description, n.owner_team, n.domain, n.tags, n.classifications, n.properties) THEN now() ELSE n.updated_at END RETURNING n.id::text AS "id", n.kind, (xmax = 0) AS "inserted";

INSERT INTO run AS r (id, run_key, kind, status, started_at, ended_at, params, metrics, gpu_type, gpu_count, gpu_hours, energy_kwh, parent_run_id) VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7::jsonb, '{}'), COALESCE($8::jsonb, '{}'), $9, $10, $11, $12, $13) ON CONFLICT (id) DO UPDATE SET kind = CASE WHEN (r.status = 'scheduled' AND r.started_at IS NULL AND r.ended_at IS NULL) THEN EXCLUDED.kind ELSE r.kind END, status = CASE WHEN (CASE EXCLUDED.status WHEN 'scheduled' THEN 0 WHEN 'running' THEN 1 ELSE 2 END) >= (CASE r.status WHEN 'scheduled' THEN 0 WHEN 'running' THEN 1 ELSE 2 END) THEN EXCLUDED.status ELSE r.status END, started_at = LEAST(r.started_at, EXCLUDED.started_at), ended_at = GREATEST(r.ended_at, EXCLUDED.ended_at), params = r.params || EXCLUDED.params, metrics = CASE WHEN (EXCLUDED.metrics->>'step')::numeric < (r.metrics->>'step')::numeric THEN EXCLUDED.metrics || r.metrics ELSE r.metrics || EXCLUDED.metrics END, gpu_type = COALESCE(EXCLUDED.gpu_type, r.gpu_type), gpu_count = COALESCE(EXCLUDED.gpu_count, r.gpu_count), gpu_hours = GREATEST(EXCLUDED.gpu_hours, r.gpu_hours), energy_kwh = GREATEST(EXCLUDED.energy_kwh, r.energy_kwh), parent_run_id = COALESCE(EXCLUDED.parent_run_id, r.parent_run_id) WHERE r.kind = EXCLUDED.kind OR (r.status = 'scheduled' AND r.started_at IS NULL AND r.ended_at IS NULL);

INSERT INTO run AS r (id, run_key, kind, status, started_at, ended_at, params, parent_run_id) SELECT id, run_key, kind, status, started_at, ended_at, params, parent_run_id FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, run_key text, kind text, status text, started_at timestamptz, ended_at timestamptz, params jsonb, parent_run_id bigint) ORDER BY id ON CONFLICT (id) DO UPDATE SET kind = CASE WHEN (r.status = 'scheduled' AND r.started_at IS NULL AND r.ended_at IS NULL) THEN EXCLUDED.kind ELSE r.kind END, status = CASE WHEN (CASE EXCLUDED.status WHEN 'scheduled' THEN 0 WHEN 'running' THEN 1 ELSE 2 END) >= (CASE r.status WHEN 'scheduled' THEN 0 WHEN 'running' THEN 1 ELSE 2 END) THEN EXCLUDED.status ELSE r.status END, started_at = LEAST(r.started_at, EXCLUDED.started_at), ended_at = GREATEST(r.ended_at, EXCLUDED.ended_at), params = r.params || EXCLUDED.params, metrics = CASE WHEN (EXCLUDED.metrics->>'step')::numeric < (r.metrics->>'step')::numeric THEN EXCLUDED.metrics || r.metrics ELSE r.metrics || EXCLUDED.metrics END, gpu_type = COALESCE(EXCLUDED.gpu_type, r.gpu_type), gpu_count = COALESCE(EXCLUDED.gpu_count, r.gpu_count), gpu_hours = GREATEST(EXCLUDED.gpu_hours, r.gpu_hours), energy_kwh = GREATEST(EXCLUDED.energy_kwh, r.energy_kwh), parent_run_id = COALESCE(EXCLUDED.parent_run_id, r.parent_run_id) WHERE r.kind = EXCLUDED.kind OR (r.status = 'scheduled' AND r.started_at IS NULL AND r.ended_at IS NULL) RETURNING r.id::text AS "id", r.started_at AS "startedAt", r.ended_at AS "endedAt", (r.xmax = 0) AS "inserted";

RELEASE SAVEPOINT pedigree_sp_1;

RELEASE SAVEPOINT pedigree_sp_2;

ROLLBACK TO SAVEPOINT pedigree_sp_1;

SAVEPOINT pedigree_sp_1;

SAVEPOINT pedigree_sp_2;

SELECT * FROM ( SELECT r.id::text AS "id", r.deployment_id::text AS "deploymentId", r.model_version_id::text AS "modelVersionId", r.traffic_share::float8 AS "trafficShare", r.valid_from AS "validFrom", r.valid_to AS "validTo", r.recorded_at AS "recordedAt", r.id AS seq, row_number() OVER (PARTITION BY r.deployment_id ORDER BY r.valid_from DESC, r.id DESC) AS rn FROM deployment_revision r WHERE r.deployment_id = ANY($1::bigint[])) x WHERE rn <= $2 ORDER BY "validFrom", seq;

SELECT 1 FROM model WHERE id = $1 FOR UPDATE;

SELECT COALESCE((SELECT sum(c.n) FROM prediction_count c WHERE c.deployment_id = w.d AND c.model_version_id = w.mv AND c.minute >= w.f AND (w.t IS NULL OR c.minute < w.t)), 0)::float8 AS n FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::timestamptz[]) WITH ORDINALITY AS w(d, mv, f, t, k) ORDER BY k;

SELECT DISTINCT ON (n.parent_id) n.parent_id::text AS "parentId", n.id::text AS "id" FROM node n WHERE n.parent_id = ANY($1::bigint[]) ORDER BY n.parent_id, n.id DESC;

SELECT context_id::text AS "contextId", node_id::text AS "nodeId" FROM ( SELECT context_id, node_id, row_number() OVER (PARTITION BY context_id ORDER BY added_at, node_id) AS rn FROM context_member WHERE context_id = ANY($1::bigint[])) m WHERE rn <= $2 ORDER BY context_id, rn;

SELECT context_id::text AS "contextId", node_id::text AS "nodeId" FROM context_member WHERE node_id = ANY($1::bigint[]) ORDER BY context_id;

SELECT dv.id::text AS "id", dv.dataset_id::text AS "datasetId", dv.version, dv.content_hash AS "hash", dv.columns = '[]'::jsonb AS "noColumns", dv.location_uri IS NULL AS "noLocation" FROM unnest($1::bigint[], $2::text[]) AS x(d, h) CROSS JOIN LATERAL (SELECT * FROM dataset_version WHERE dataset_id = x.d AND content_hash = x.h) dv UNION ALL SELECT l.* FROM unnest($3::bigint[]) AS p(id) CROSS JOIN LATERAL (SELECT id::text, dataset_id::text, version, content_hash, columns = '[]'::jsonb, location_uri IS NULL FROM dataset_version WHERE dataset_id = p.id ORDER BY version DESC LIMIT 1) l;

SELECT e.id::text AS "id", e.from_node::text AS "fromId", e.to_node::text AS "toId", e.kind, e.valid_from AS "validFrom", e.valid_to AS "validTo", e.recorded_at AS "recordedAt" FROM edge e WHERE e.from_node = ANY($1::bigint[]) AND e.valid_to IS NULL LIMIT $2;

SELECT e.id::text AS "id", e.from_node::text AS "fromId", e.to_node::text AS "toId", e.kind, e.valid_from AS "validFrom", e.valid_to AS "validTo", e.recorded_at AS "recordedAt" FROM edge e WHERE e.from_node = ANY($1::bigint[]) AND e.valid_to IS NULL ORDER BY e.id;

SELECT e.id::text AS "id", e.from_node::text AS "fromId", e.to_node::text AS "toId", e.kind, e.valid_from AS "validFrom", e.valid_to AS "validTo", e.recorded_at AS "recordedAt" FROM edge e WHERE e.to_node = ANY($1::bigint[]) AND e.valid_to IS NULL ORDER BY e.id;

SELECT feature_view_id::text AS "viewId", name, dtype, description FROM feature WHERE feature_view_id = ANY($1::bigint[]) ORDER BY feature_view_id, id;

SELECT id FROM deployment WHERE id = $1 FOR UPDATE;

SELECT id::text AS "id" FROM dataset_version WHERE dataset_id = $1 ORDER BY version DESC LIMIT 1;

SELECT id::text AS "id", kind, urn, name, NULL::jsonb AS properties FROM node WHERE urn = ANY($1::text[]);

SELECT id::text AS "id", kind, urn, name, parent_id::text AS "parentId" FROM node WHERE urn = $1;

SELECT id::text AS "id", kind, urn, name, properties FROM node WHERE urn = ANY($1::text[]);

SELECT id::text AS "id", latest_version AS "latest" FROM dataset WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE;

SELECT id::text AS "id", name, description, effect, actions, principals, teams, roles, kinds, domains, owner_teams AS "ownerTeams", tags, classifications, urns, fields, expires_at AS "expiresAt", created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt" FROM access_policy WHERE expires_at IS NULL OR expires_at > now() ORDER BY id;

SELECT id::text AS "id", source, topic, kafka_partition AS "partition", kafka_offset::text AS "offset", event_key AS "eventKey", payload, payload_truncated AS "payloadTruncated", error, urns, received_at AS "receivedAt", replayed_at AS "replayedAt", replay_error AS "replayError" FROM dead_letter WHERE replayed_at IS NULL AND urns @> ARRAY[$1::text] ORDER BY id DESC LIMIT $2;

SELECT id::text AS "id", version FROM dataset_version WHERE dataset_id = $1 AND content_hash = $2;

SELECT id::text AS "id", version FROM model_version WHERE model_id = $1 AND artifact_sha256 = $2;

SELECT k.id::text AS "id", k.name, k.prefix, k.created_at AS "createdAt", k.expires_at AS "expiresAt", k.revoked_at AS "revokedAt", k.last_used_at AS "lastUsedAt", k.principal_id::text AS "principalId" FROM api_key k WHERE k.principal_id = ANY($1::bigint[]) ORDER BY k.id;

SELECT kind, started_at AS "startedAt", ended_at AS "endedAt" FROM run WHERE id = $1;

SELECT max(GREATEST(valid_from, COALESCE(valid_to, valid_from))) AS "last" FROM deployment_revision WHERE deployment_id = $1;

SELECT model_id::text AS "modelId" FROM model_version WHERE id = $1;

SELECT n.id::text AS "id", n.kind, n.urn, n.domain, n.owner_team AS "ownerTeam", n.tags, n.classifications FROM node n WHERE n.urn = ANY($1::text[]);

SELECT n.id::text AS "id", n.kind, n.urn, n.name, n.parent_id::text AS "parentId" FROM node n WHERE n.id = ANY($1::bigint[]);

SELECT n.id::text AS "id", n.kind, n.urn, n.name, n.parent_id::text AS "parentId", n.description, n.owner_team AS "ownerTeam", n.domain, n.tags, n.classifications, n.properties, n.created_at AS "createdAt", n.updated_at AS "updatedAt" FROM node n WHERE n.id = ANY($1::bigint[]);

SELECT n.id::text AS "id", n.kind, n.urn, n.name, n.parent_id::text AS "parentId", n.description, n.owner_team AS "ownerTeam", n.domain, n.tags, n.classifications, n.properties, n.created_at AS "createdAt", n.updated_at AS "updatedAt", t.context_kind AS "contextKind" FROM node n JOIN context t ON t.id = n.id WHERE n.kind = $1 ORDER BY n.id LIMIT $2;

SELECT n.id::text AS "id", n.kind, n.urn, n.name, n.parent_id::text AS "parentId", n.description, n.owner_team AS "ownerTeam", n.domain, n.tags, n.classifications, n.properties, n.created_at AS "createdAt", n.updated_at AS "updatedAt", t.entities, t.source_dataset_id::text AS "sourceDatasetId" FROM node n JOIN feature_view t ON t.id = n.id WHERE n.kind = $1 ORDER BY n.id LIMIT $2;

SELECT n.id::text AS "id", n.kind, n.urn, n.name, n.parent_id::text AS "parentId", n.description, n.owner_team AS "ownerTeam", n.domain, n.tags, n.classifications, n.properties, n.created_at AS "createdAt", n.updated_at AS "updatedAt", t.namespace, t.latest_version AS "latestVersionNumber" FROM node n JOIN dataset t ON t.id = n.id WHERE n.kind = $1 AND n.owner_team = $2 AND n.tags @> ARRAY[$3::text] AND n.classifications @> ARRAY[$4::text] AND n.name LIKE $5 ORDER BY n.id LIMIT $6;

SELECT n.id::text AS "id", n.urn, n.name, n.owner_team AS "ownerTeam", n.domain, n.tags, n.classifications FROM dataset p JOIN node n ON n.id = p.id WHERE p.id = $1 FOR UPDATE OF p;

SELECT n.id::text AS "id", n.urn, n.name, n.owner_team AS "ownerTeam", n.domain, n.tags, n.classifications FROM model p JOIN node n ON n.id = p.id WHERE p.id = $1 FOR UPDATE OF p;

SELECT p.id::text AS "id", p.name, p.kind, p.roles, p.teams, p.created_at AS "createdAt", p.disabled_at AS "disabledAt" FROM principal p ORDER BY p.name LIMIT 1000;

SELECT r.id::text AS "id", r.deployment_id::text AS "deploymentId", r.model_version_id::text AS "modelVersionId", r.traffic_share::float8 AS "trafficShare", r.valid_from AS "validFrom", r.valid_to AS "validTo", r.recorded_at AS "recordedAt" FROM deployment_revision r WHERE r.deployment_id = $1 AND r.valid_to IS NULL;

SELECT started_at AS "startedAt", ended_at AS "endedAt" FROM run WHERE id = $1;

SELECT t.id::text AS "id", t.context_kind AS "contextKind" FROM context t WHERE t.id = ANY($1::bigint[]);

SELECT t.id::text AS "id", t.dataset_id::text AS "datasetId", t.version, t.content_hash AS "contentHash", t.location_uri AS "locationUri", t.columns, t.statistics FROM dataset_version t WHERE t.id = ANY($1::bigint[]);

SELECT t.id::text AS "id", t.entities, t.source_dataset_id::text AS "sourceDatasetId" FROM feature_view t WHERE t.id = ANY($1::bigint[]);

SELECT t.id::text AS "id", t.environment, t.prediction_payloads AS "predictionPayloads" FROM deployment t WHERE t.id = ANY($1::bigint[]);

SELECT t.id::text AS "id", t.latest_version AS "latestVersionNumber" FROM model t WHERE t.id = ANY($1::bigint[]);

SELECT t.id::text AS "id", t.model_id::text AS "modelId", t.version, t.artifact_uri AS "artifactUri", t.artifact_sha256 AS "artifactSha256", t.framework, t.signature, t.metrics, t.params, t.stage, t.stage_changed_at AS "stageChangedAt" FROM model_version t WHERE t.id = ANY($1::bigint[]);

SELECT t.id::text AS "id", t.namespace, t.latest_version AS "latestVersionNumber" FROM dataset t WHERE t.id = ANY($1::bigint[]);

SELECT t.id::text AS "id", t.repository_url AS "repositoryUrl", t.commit_sha AS "commitSha", t.path, t.branch, t.author, t.committed_at AS "committedAt" FROM code_version t WHERE t.id = ANY($1::bigint[]);

SELECT t.id::text AS "id", t.run_key AS "runId", t.kind AS "runKind", t.status, t.started_at AS "startedAt", t.ended_at AS "endedAt", t.params, t.metrics, t.gpu_type AS "gpuType", t.gpu_count AS "gpuCount", t.gpu_hours AS "gpuHours", t.energy_kwh AS "energyKwh", t.parent_run_id::text AS "parentRunId" FROM run t WHERE t.id = ANY($1::bigint[]);

UPDATE dataset SET latest_version = latest_version + 1 WHERE id = $1 RETURNING latest_version AS "version";

UPDATE dataset d SET latest_version = x.n FROM unnest($1::bigint[], $2::int[]) AS x(id, n) WHERE d.id = x.id;

UPDATE dataset_version SET statistics = $2::jsonb WHERE id = $1;

UPDATE deployment_revision SET valid_to = $2 WHERE deployment_id = $1 AND valid_to IS NULL;

UPDATE model SET latest_version = latest_version + 1 WHERE id = $1 RETURNING latest_version AS "version";

UPDATE model_version SET stage = $2, stage_changed_at = now() WHERE id = $1 AND stage <> $2 RETURNING id;

UPDATE node SET updated_at = now() WHERE id = $1;

WITH RECURSIVE start AS (SELECT id, kind, urn, name FROM node WHERE urn = $1), roots AS ( SELECT id FROM start WHERE kind NOT IN ('dataset', 'model') UNION ALL (SELECT c.id FROM start s JOIN node c ON c.parent_id = s.id WHERE s.kind IN ('dataset', 'model') ORDER BY c.id DESC LIMIT 1000) ), walk(edge_id, node, depth) AS ( SELECT NULL::bigint, id, 0 FROM roots UNION SELECT e.id, e.from_node, w.depth + 1 FROM walk w JOIN edge e ON e.to_node = w.node WHERE w.depth < $2 AND e.valid_from <= $4 AND (e.valid_to IS NULL OR e.valid_to > $4) ), -- One row more than the page can hold proves there is more; row_number() keeps the walk's (BFS) order. probe AS (SELECT w.*, row_number() OVER () AS rn FROM (SELECT * FROM walk LIMIT $3 + 1 + (SELECT count(*) FROM roots)) w), page AS (SELECT * FROM probe WHERE rn <= $3 + (SELECT count(*) FROM roots)), reached AS (SELECT node, min(depth) AS depth FROM page GROUP BY node) SELECT (SELECT json_build_array(id::text, kind, urn, name, 0) FROM start) AS "start", EXISTS (SELECT 1 FROM probe WHERE rn > $3 + (SELECT count(*) FROM roots)) AS "more", (SELECT coalesce(json_agg(json_build_array(n.id::text, n.kind, n.urn, n.name, r.depth)), '[]') FROM reached r JOIN node n ON n.id = r.node) AS "nodes", (SELECT coalesce(json_agg(json_build_array(e.id::text, e.from_node::text, e.to_node::text, e.kind, (extract(epoch FROM e.valid_from) * 1000)::bigint, (extract(epoch FROM e.valid_to) * 1000)::bigint)), '[]') FROM (SELECT DISTINCT edge_id FROM page WHERE edge_id IS NOT NULL) x JOIN edge e ON e.id = x.edge_id) AS "edges", EXISTS (SELECT 1 FROM reached r JOIN edge e ON e.to_node = r.node WHERE r.depth = $2 AND e.valid_from <= $4 AND (e.valid_to IS NULL OR e.valid_to > $4)) AS "deeper";

WITH RECURSIVE start AS (SELECT id, kind, urn, name FROM node WHERE urn = $1), roots AS ( SELECT id FROM start WHERE kind NOT IN ('dataset', 'model') UNION ALL (SELECT c.id FROM start s JOIN node c ON c.parent_id = s.id WHERE s.kind IN ('dataset', 'model') ORDER BY c.id DESC LIMIT 1000) ), walk(edge_id, node, depth) AS ( SELECT NULL::bigint, id, 0 FROM roots UNION SELECT e.id, e.from_node, w.depth + 1 FROM walk w JOIN edge e ON e.to_node = w.node WHERE w.depth < $2 AND e.valid_to IS NULL ), -- One row more than the page can hold proves there is more; row_number() keeps the walk's (BFS) order. probe AS (SELECT w.*, row_number() OVER () AS rn FROM (SELECT * FROM walk LIMIT $3 + 1 + (SELECT count(*) FROM roots)) w), page AS (SELECT * FROM probe WHERE rn <= $3 + (SELECT count(*) FROM roots)), reached AS (SELECT node, min(depth) AS depth FROM page GROUP BY node) SELECT (SELECT json_build_array(id::text, kind, urn, name, 0) FROM start) AS "start", EXISTS (SELECT 1 FROM probe WHERE rn > $3 + (SELECT count(*) FROM roots)) AS "more", (SELECT coalesce(json_agg(json_build_array(n.id::text, n.kind, n.urn, n.name, r.depth)), '[]') FROM reached r JOIN node n ON n.id = r.node) AS "nodes", (SELECT coalesce(json_agg(json_build_array(e.id::text, e.from_node::text, e.to_node::text, e.kind, (extract(epoch FROM e.valid_from) * 1000)::bigint, (extract(epoch FROM e.valid_to) * 1000)::bigint)), '[]') FROM (SELECT DISTINCT edge_id FROM page WHERE edge_id IS NOT NULL) x JOIN edge e ON e.id = x.edge_id) AS "edges", EXISTS (SELECT 1 FROM reached r JOIN edge e ON e.to_node = r.node WHERE r.depth = $2 AND e.valid_to IS NULL) AS "deeper";

WITH RECURSIVE start AS (SELECT id, kind, urn, name FROM node WHERE urn = $1), roots AS ( SELECT id FROM start WHERE kind NOT IN ('dataset', 'model') UNION ALL (SELECT c.id FROM start s JOIN node c ON c.parent_id = s.id WHERE s.kind IN ('dataset', 'model') ORDER BY c.id DESC LIMIT 1000) ), walk(edge_id, node, depth) AS ( SELECT NULL::bigint, id, 0 FROM roots UNION SELECT e.id, e.to_node, w.depth + 1 FROM walk w JOIN edge e ON e.from_node = w.node WHERE w.depth < $2 AND e.valid_to IS NULL ), -- One row more than the page can hold proves there is more; row_number() keeps the walk's (BFS) order. probe AS (SELECT w.*, row_number() OVER () AS rn FROM (SELECT * FROM walk LIMIT $3 + 1 + (SELECT count(*) FROM roots)) w), page AS (SELECT * FROM probe WHERE rn <= $3 + (SELECT count(*) FROM roots)), reached AS (SELECT node, min(depth) AS depth FROM page GROUP BY node) SELECT (SELECT json_build_array(id::text, kind, urn, name, 0) FROM start) AS "start", EXISTS (SELECT 1 FROM probe WHERE rn > $3 + (SELECT count(*) FROM roots)) AS "more", (SELECT coalesce(json_agg(json_build_array(n.id::text, n.kind, n.urn, n.name, r.depth)), '[]') FROM reached r JOIN node n ON n.id = r.node) AS "nodes", (SELECT coalesce(json_agg(json_build_array(e.id::text, e.from_node::text, e.to_node::text, e.kind, (extract(epoch FROM e.valid_from) * 1000)::bigint, (extract(epoch FROM e.valid_to) * 1000)::bigint)), '[]') FROM (SELECT DISTINCT edge_id FROM page WHERE edge_id IS NOT NULL) x JOIN edge e ON e.id = x.edge_id) AS "edges", EXISTS (SELECT 1 FROM reached r JOIN edge e ON e.from_node = r.node WHERE r.depth = $2 AND e.valid_to IS NULL) AS "deeper";

WITH RECURSIVE walk(link, node, col, depth) AS ( SELECT NULL::bigint, $1::bigint, $2::text, 0 UNION SELECT c.id, c.input_node, c.input_column, w.depth + 1 FROM walk w JOIN column_lineage c ON c.output_node = w.node AND c.output_column = w.col WHERE w.depth < $3 ), probe AS (SELECT w.*, row_number() OVER () AS rn FROM (SELECT * FROM walk LIMIT $4 + 2) w), page AS (SELECT * FROM probe WHERE rn <= $4 + 1), reached AS (SELECT node, col, min(depth) AS depth FROM page GROUP BY node, col) SELECT (SELECT coalesce(json_agg(json_build_object('urn', n.urn, 'column', r.col, 'depth', r.depth) ORDER BY r.depth, n.urn, r.col), '[]') FROM reached r JOIN node n ON n.id = r.node) AS "nodes", (SELECT coalesce(json_agg(json_build_object('id', c.id::text, 'fromUrn', i.urn, 'fromColumn', c.input_column, 'toUrn', o.urn, 'toColumn', c.output_column, 'runUrn', rn.urn, 'transformation', c.transformation) ORDER BY c.id), '[]') FROM (SELECT DISTINCT link FROM page WHERE link IS NOT NULL) p JOIN column_lineage c ON c.id = p.link JOIN node i ON i.id = c.input_node JOIN node o ON o.id = c.output_node JOIN node rn ON rn.id = c.run_id) AS "edges", EXISTS (SELECT 1 FROM probe WHERE rn > $4 + 1) AS "more", EXISTS (SELECT 1 FROM reached r JOIN column_lineage c ON c.output_node = r.node AND c.output_column = r.col WHERE r.depth = $3) AS "deeper";

WITH RECURSIVE walk(link, node, col, depth) AS ( SELECT NULL::bigint, $1::bigint, $2::text, 0 UNION SELECT c.id, c.output_node, c.output_column, w.depth + 1 FROM walk w JOIN column_lineage c ON c.input_node = w.node AND c.input_column = w.col WHERE w.depth < $3 ), probe AS (SELECT w.*, row_number() OVER () AS rn FROM (SELECT * FROM walk LIMIT $4 + 2) w), page AS (SELECT * FROM probe WHERE rn <= $4 + 1), reached AS (SELECT node, col, min(depth) AS depth FROM page GROUP BY node, col) SELECT (SELECT coalesce(json_agg(json_build_object('urn', n.urn, 'column', r.col, 'depth', r.depth) ORDER BY r.depth, n.urn, r.col), '[]') FROM reached r JOIN node n ON n.id = r.node) AS "nodes", (SELECT coalesce(json_agg(json_build_object('id', c.id::text, 'fromUrn', i.urn, 'fromColumn', c.input_column, 'toUrn', o.urn, 'toColumn', c.output_column, 'runUrn', rn.urn, 'transformation', c.transformation) ORDER BY c.id), '[]') FROM (SELECT DISTINCT link FROM page WHERE link IS NOT NULL) p JOIN column_lineage c ON c.id = p.link JOIN node i ON i.id = c.input_node JOIN node o ON o.id = c.output_node JOIN node rn ON rn.id = c.run_id) AS "edges", EXISTS (SELECT 1 FROM probe WHERE rn > $4 + 1) AS "more", EXISTS (SELECT 1 FROM reached r JOIN column_lineage c ON c.input_node = r.node AND c.input_column = r.col WHERE r.depth = $3) AS "deeper";

WITH ins AS (INSERT INTO dataset (id, namespace, name) SELECT id, namespace, name FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, namespace text, name text) ORDER BY id ON CONFLICT (id) DO NOTHING) SELECT d.id::text AS "id", d.namespace, d.name FROM dataset d WHERE d.id = ANY($2::bigint[]);

WITH k AS (SELECT * FROM api_key WHERE key_hash = $1), touch AS (UPDATE api_key SET last_used_at = now() WHERE id = (SELECT id FROM k) AND revoked_at IS NULL AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')) SELECT p.id::text AS "id", p.name, p.kind, p.roles, p.teams, p.created_at AS "createdAt", p.disabled_at AS "disabledAt", k.expires_at AS "expiresAt", k.revoked_at AS "revokedAt" FROM k JOIN principal p ON p.id = k.principal_id;

WITH locked AS ( SELECT d.id, d.latest_version FROM dataset d WHERE d.id = ANY($1::bigint[]) ORDER BY d.id FOR UPDATE) SELECT d.id::text AS "id", n.urn, n.name, d.namespace, d.name AS "dsName", COALESCE(l.latest_version, d.latest_version) AS "latest", n.owner_team AS "ownerTeam", n.domain, n.tags, n.classifications FROM dataset d JOIN node n ON n.id = d.id LEFT JOIN locked l ON l.id = d.id WHERE d.id = ANY($2::bigint[]);

WITH x AS ( SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(kind text, urn text, name text, parent_id bigint, description text, owner_team text, domain text, tags text[], classifications text[], properties jsonb)), ins AS ( INSERT INTO node AS n (kind, urn, name, parent_id, description, owner_team, domain, tags, classifications, properties) SELECT kind, urn, name, parent_id, description, owner_team, domain, tags, classifications, properties FROM x ORDER BY urn ON CONFLICT (urn) DO UPDATE SET properties = n.properties || EXCLUDED.properties, name = CASE WHEN n.kind = 'run' AND n.name = substr(n.urn, 18) THEN EXCLUDED.name ELSE n.name END, updated_at = now() WHERE (EXCLUDED.properties <> '{}'::jsonb AND NOT n.properties @> EXCLUDED.properties) OR (n.kind = 'run' AND n.name = substr(n.urn, 18) AND EXCLUDED.name <> n.name) RETURNING n.id, n.kind, n.urn, (xmax = 0) AS inserted) SELECT id::text AS "id", kind, urn, inserted FROM ins UNION ALL SELECT n.id::text, n.kind, n.urn, false FROM x JOIN node n ON n.urn = x.urn WHERE NOT EXISTS (SELECT 1 FROM ins WHERE ins.urn = x.urn);

WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, dataset_id bigint, version int, content_hash text, location_uri text, columns jsonb, statistics jsonb, created boolean)), ins AS (INSERT INTO dataset_version (id, dataset_id, version, content_hash, location_uri, columns, statistics) SELECT id, dataset_id, version, content_hash, location_uri, COALESCE(columns, '[]'), statistics FROM x WHERE created) UPDATE dataset_version dv SET columns = CASE WHEN dv.columns = '[]'::jsonb AND x.columns IS NOT NULL THEN x.columns ELSE dv.columns END, statistics = CASE WHEN x.statistics IS NULL THEN dv.statistics ELSE COALESCE(dv.statistics, '{"columns": []}'::jsonb) || x.statistics END, location_uri = COALESCE(dv.location_uri, x.location_uri) FROM x WHERE dv.id = x.id AND NOT x.created AND ((dv.columns = '[]'::jsonb AND x.columns IS NOT NULL) OR (x.statistics IS NOT NULL AND NOT COALESCE(dv.statistics, '{}'::jsonb) @> x.statistics) OR (dv.location_uri IS NULL AND x.location_uri IS NOT NULL));

WITH x AS (SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[]) AS x(run, i, o)), ins AS (UPDATE edge e SET valid_from = x.i FROM x WHERE e.to_node = x.run AND e.valid_to IS NULL AND e.kind IN ('INPUT', 'CODE') AND x.i IS NOT NULL AND e.valid_from <> x.i RETURNING e.id), outs AS (UPDATE edge e SET valid_from = x.o FROM x WHERE e.from_node = x.run AND e.valid_to IS NULL AND e.kind = 'OUTPUT' AND x.o IS NOT NULL AND e.valid_from <> x.o RETURNING e.id) SELECT id FROM ins UNION ALL SELECT id FROM outs;
