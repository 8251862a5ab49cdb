/**
 * What one GraphQL request costs, layer by layer: `npm run bench:request`.
 *
 * Starts Pedigree in its own process (NODE_ENV=production) on a fresh embedded PostgreSQL, registers a model
 * version and a deployment, logs BENCH_REQUEST_PREDICTIONS (default 20,000) predictions, and times, one
 * request at a time (BENCH_REQUESTS, default 2,000, after 300 untimed), from the trivial to the issue's
 * `prediction(id)` lookup, each with two clients: `fetch` (undici) and `node:http` with a keep-alive agent.
 * The gaps between rows are what each layer costs; the lookup's own statement is timed with `pg`.
 */
import { DAY_MS } from '../src/predictions/ingest/attribution';
import { generateBatch } from './predictions-data';
import { BENCH_KEY, benchMain, latency, table } from './support';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const PREDICTIONS = Number(process.env.BENCH_REQUEST_PREDICTIONS ?? 20_000);

/** Logs `n` predictions with UUIDv7 ids over the last day as Arrow batches of 5,000; returns a sample of ids. */
async function logPredictions(url: string, deployment: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  const step = DAY_MS / n;
  for (let b = 0; b * 5000 < n; b++) {
    const batch = generateBatch({ size: Math.min(5000, n - b * 5000), startMs: Date.now() - DAY_MS + b * 5000 * step, stepMs: step, ids: 'v7', seed: 11 + b, deployment });
    ids.push(...batch.sampleIds);
    const res = await fetch(`${url}/api/v1/predictions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.apache.arrow.stream', authorization: `Bearer ${BENCH_KEY}` },
      body: batch.ipc as Uint8Array<ArrayBuffer>,
    });
    if (!res.ok) throw new Error(`logging predictions: ${res.status} ${await res.text()}`);
  }
  return ids;
}

console.log(`Pedigree request-cost benchmark — ${REQUESTS} requests per row after 300 untimed, ${PREDICTIONS} predictions`);
console.log(`node ${process.version}, ${new Date().toISOString()}\n`);
benchMain({ DATABASE_POOL_SIZE: '4' }, async (bench, sql) => {
  const model = await bench.gql(`mutation { registerModel(input: { name: "churn" }) { urn } }`);
  const version = await bench.gql(`mutation($m: String!) { registerModelVersion(input: { modelUrn: $m, framework: "onnx" }) { urn } }`, { m: model.registerModel.urn });
  const dep = await bench.gql(`mutation { registerDeployment(input: { name: "churn-api" }) { urn } }`);
  await bench.gql(`mutation($i: ReviseDeploymentInput!) { reviseDeployment(input: $i) { urn } }`, {
    i: { deploymentUrn: dep.registerDeployment.urn, traffic: [{ modelVersionUrn: version.registerModelVersion.urn, trafficShare: 1 }], validFrom: new Date(Date.now() - 30 * DAY_MS).toISOString() },
  });
  const ids = await logPredictions(bench.url, dep.registerDeployment.urn, PREDICTIONS);
  let k = 0;
  const nextId = () => ids[(k++ * 7919) % ids.length];
  const cases: [string, string, (() => Record<string, unknown>) | undefined][] = [
    ['{ __typename }', `{ __typename }`, undefined],
    ['{ me { name } }', `{ me { name } }`, undefined],
    ['prediction(id) { id }', `query($id: String!) { prediction(id: $id) { id } }`, () => ({ id: nextId() })],
    ['prediction(id) + modelVersion, deployment (the issue’s lookup)', `query($id: String!) { prediction(id: $id) { id timestamp latencyMs modelVersion { urn version } deployment { urn } } }`, () => ({ id: nextId() })],
  ];
  const rows: (string | number)[][] = [];
  for (const [label, query, vars] of cases) {
    for (const [client, gql] of [['fetch', bench.gql], ['node:http keep-alive', bench.gqlKeepAlive]] as const) {
      const l = await latency(REQUESTS, () => gql(query, vars?.()), 300);
      rows.push([label, client, l.p50.toFixed(2), l.p99.toFixed(2)]);
      console.log(`  ${label} (${client}): p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms`);
    }
  }
  const lookup = `SELECT p.id FROM prediction p WHERE p.uid = $1 AND p.day = ANY($2::date[])`;
  const uid = await sql.query(`SELECT uid::text, day::text FROM prediction LIMIT 1`);
  const s = await latency(REQUESTS, () => sql.query({ name: 'l', text: lookup, values: [uid.rows[0].uid, [uid.rows[0].day]] }), 300);
  rows.push(['a prediction lookup statement alone (pg, prepared)', 'pg', s.p50.toFixed(2), s.p99.toFixed(2)]);
  console.log('\n' + table(['request', 'client', 'p50 ms', 'p99 ms'], rows));
});
