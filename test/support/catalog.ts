/** One-line builders for catalog scenarios, going through the public GraphQL API. */
import { TestApp } from './harness';

export const sha = (seed: string): string => Buffer.from(seed.padEnd(32, '.')).toString('hex').slice(0, 64).padEnd(64, '0');

export async function dataset(app: TestApp, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const d = await app.ok<{ registerDataset: { urn: string } }>(
    `mutation($input: RegisterDatasetInput!) { registerDataset(input: $input) { urn } }`,
    { input: { namespace: 'postgres://warehouse', name, ...extra } },
  );
  return d.registerDataset.urn;
}

export async function datasetVersion(app: TestApp, datasetUrn: string, extra: Record<string, unknown> = {}): Promise<string> {
  const d = await app.ok<{ registerDatasetVersion: { urn: string } }>(
    `mutation($input: RegisterDatasetVersionInput!) { registerDatasetVersion(input: $input) { urn } }`,
    { input: { datasetUrn, ...extra } },
  );
  return d.registerDatasetVersion.urn;
}

export async function model(app: TestApp, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const d = await app.ok<{ registerModel: { urn: string } }>(
    `mutation($input: RegisterModelInput!) { registerModel(input: $input) { urn } }`,
    { input: { name, ...extra } },
  );
  return d.registerModel.urn;
}

export async function modelVersion(app: TestApp, modelUrn: string, extra: Record<string, unknown> = {}): Promise<string> {
  const d = await app.ok<{ registerModelVersion: { urn: string } }>(
    `mutation($input: RegisterModelVersionInput!) { registerModelVersion(input: $input) { urn } }`,
    { input: { modelUrn, ...extra } },
  );
  return d.registerModelVersion.urn;
}

export async function run(app: TestApp, runId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const d = await app.ok<{ registerRun: { urn: string } }>(
    `mutation($input: RegisterRunInput!) { registerRun(input: $input) { urn } }`,
    { input: { runId, kind: 'TRAINING', ...extra } },
  );
  return d.registerRun.urn;
}

export async function deployment(app: TestApp, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const d = await app.ok<{ registerDeployment: { urn: string } }>(
    `mutation($input: RegisterDeploymentInput!) { registerDeployment(input: $input) { urn } }`,
    { input: { name, ...extra } },
  );
  return d.registerDeployment.urn;
}

export async function codeVersion(app: TestApp, commitSha: string, extra: Record<string, unknown> = {}): Promise<string> {
  const d = await app.ok<{ registerCodeVersion: { urn: string } }>(
    `mutation($input: RegisterCodeVersionInput!) { registerCodeVersion(input: $input) { urn } }`,
    { input: { repositoryUrl: 'https://github.com/acme/models', commitSha, ...extra } },
  );
  return d.registerCodeVersion.urn;
}

/** Counts rows of a table in the app's database (for "nothing changed" assertions). */
export async function count(app: TestApp, table: string): Promise<number> {
  const rows = await app.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`);
  return Number(rows[0].n);
}

/** A snapshot of every catalog table's row count and the newest update time, to prove a failed call changed nothing. */
export async function snapshot(app: TestApp): Promise<string> {
  const rows = await app.db.query<{ s: string }>(
    `SELECT json_build_object(
       'node', (SELECT count(*) FROM node), 'edge', (SELECT count(*) FROM edge),
       'edge_open', (SELECT count(*) FROM edge WHERE valid_to IS NULL),
       'dv', (SELECT count(*) FROM dataset_version), 'mv', (SELECT count(*) FROM model_version),
       'stages', (SELECT string_agg(id || ':' || stage, ',' ORDER BY id) FROM model_version),
       'rev', (SELECT count(*) FROM deployment_revision), 'rev_open', (SELECT count(*) FROM deployment_revision WHERE valid_to IS NULL),
       'runs', (SELECT string_agg(id || ':' || status || ':' || params::text, ',' ORDER BY id) FROM run),
       'updated', (SELECT max(updated_at) FROM node), 'latest', (SELECT string_agg(latest_version::text, ',' ORDER BY id) FROM dataset)
     )::text AS s`,
  );
  return rows[0].s;
}
