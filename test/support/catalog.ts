/** One-line builders for catalog scenarios, going through the public GraphQL API. */
import { GqlResult, issueKey, TestApp } from './harness';

export const sha = (seed: string): string => Buffer.from(seed.padEnd(32, '.')).toString('hex').slice(0, 64).padEnd(64, '0');

/** Calls `mutation(input: <inputType>!) { urn }` and returns the URN. */
async function register(app: TestApp, mutation: string, inputType: string, input: Record<string, unknown>): Promise<string> {
  const d = await app.ok<Record<string, { urn: string }>>(
    `mutation($input: ${inputType}!) { ${mutation}(input: $input) { urn } }`,
    { input },
  );
  return d[mutation].urn;
}

type Extra = Record<string, unknown>;

export const dataset = (app: TestApp, name: string, extra: Extra = {}) =>
  register(app, 'registerDataset', 'RegisterDatasetInput', { namespace: 'postgres://warehouse', name, ...extra });
export const datasetVersion = (app: TestApp, datasetUrn: string, extra: Extra = {}) =>
  register(app, 'registerDatasetVersion', 'RegisterDatasetVersionInput', { datasetUrn, ...extra });
export const model = (app: TestApp, name: string, extra: Extra = {}) =>
  register(app, 'registerModel', 'RegisterModelInput', { name, ...extra });
export const modelVersion = (app: TestApp, modelUrn: string, extra: Extra = {}) =>
  register(app, 'registerModelVersion', 'RegisterModelVersionInput', { modelUrn, ...extra });
export const run = (app: TestApp, runId: string, extra: Extra = {}) =>
  register(app, 'registerRun', 'RegisterRunInput', { runId, kind: 'TRAINING', ...extra });
export const deployment = (app: TestApp, name: string, extra: Extra = {}) =>
  register(app, 'registerDeployment', 'RegisterDeploymentInput', { name, ...extra });
export const codeVersion = (app: TestApp, commitSha: string, extra: Extra = {}) =>
  register(app, 'registerCodeVersion', 'RegisterCodeVersionInput', { repositoryUrl: 'https://github.com/acme/models', commitSha, ...extra });

const approvers = new WeakMap<TestApp, Promise<string>>();

/**
 * Four eyes: asks (as the admin) for `stage` and has a second principal approve. Returns the decision's
 * result (errors included: e.g. CONFLICT when another version is in production).
 */
export async function promote(app: TestApp, urn: string, opts: { archiveExisting?: boolean; stage?: string } = {}): Promise<GqlResult> {
  if (!approvers.has(app)) approvers.set(app, issueKey(app, 'second-pair-of-eyes', ['ADMIN']));
  const approver = await approvers.get(app)!;
  const asked = await app.ok(`mutation($i: RequestStageChangeInput!) { requestStageChange(input: $i) { id } }`, {
    i: { urn, stage: opts.stage ?? 'PRODUCTION', reason: 'promoted by a test', archiveExisting: opts.archiveExisting ?? false },
  });
  return app.gql(`mutation($id: ID!) { decideStageChange(id: $id, approve: true) { id status } }`, { id: asked.requestStageChange.id }, approver);
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
