/**
 * Reports benchmark: how long an auditor waits for a model version report, and what the audit chain's
 * verification over the report's period adds.
 *
 *   npm run bench:reports                               # 100,000 audit entries in the period (default)
 *   BENCH_REPORT_AUDIT_ENTRIES=1000000 npm run bench:reports
 *
 * Builds, through GraphQL, a model version trained on 10 cleaned datasets derived from 50 raw ones (a fifth
 * PII) with a pretrained base model, approved (four eyes), served by a deployment with a canary; adds
 * BENCH_REPORT_AUDIT_ENTRIES audit entries in the report's period (SQL, then sealed by the service); then
 * times the report as JSON through GraphQL and as PDF over HTTP.
 */
import { BenchApp, latency, sqlOn, startBenchApp, table, BENCH_KEY } from './support';

const AUDIT_ENTRIES = Number(process.env.BENCH_REPORT_AUDIT_ENTRIES ?? 100_000);

async function scenario(bench: BenchApp): Promise<string> {
  const m = (q: string, v: Record<string, unknown> = {}) => bench.gql(q, v);
  const raw: string[] = [];
  for (let i = 0; i < 50; i++) {
    const name = `raw.table_${i}`;
    await m(`mutation($n: String!, $c: [String!]) { registerDataset(input: { namespace: "s3://lake", name: $n, ownerTeam: "ingest", classifications: $c }) { urn } }`,
      { n: name, c: i % 5 === 0 ? ['PII'] : [] });
    raw.push((await m(`mutation($d: String!) { registerDatasetVersion(input: { datasetUrn: $d }) { urn } }`, { d: `urn:pedigree:dataset:s3://lake/${name}` })).registerDatasetVersion.urn);
  }
  const clean: string[] = [];
  const code = (await m(`mutation { registerCodeVersion(input: { repositoryUrl: "https://git.example/ml", commitSha: "abc1234" }) { urn } }`)).registerCodeVersion.urn;
  for (let i = 0; i < 10; i++) {
    await m(`mutation($i: [String!]) { registerRun(input: { runId: "clean-${i}", kind: DATA_PROCESSING, status: COMPLETED, inputs: $i }) { urn } }`, { i: raw.slice(i * 5, i * 5 + 5) });
    await m(`mutation { registerDataset(input: { namespace: "s3://lake", name: "clean.table_${i}", ownerTeam: "ml" }) { urn } }`);
    clean.push((await m(`mutation { registerDatasetVersion(input: { datasetUrn: "urn:pedigree:dataset:s3://lake/clean.table_${i}", producedByRunUrn: "urn:pedigree:run:clean-${i}" }) { urn } }`)).registerDatasetVersion.urn);
  }
  await m(`mutation { a: registerModel(input: { name: "base" }) { urn } b: registerModel(input: { name: "credit" }) { urn } }`);
  await m(`mutation($i: [String!], $c: String) { registerRun(input: { runId: "pretrain", kind: TRAINING, status: COMPLETED, inputs: $i, codeVersionUrn: $c, compute: { gpuType: "A100", gpuCount: 8, gpuHours: 100 } }) { urn } }`, { i: clean, c: code });
  const base = (await m(`mutation { registerModelVersion(input: { modelUrn: "urn:pedigree:model:base", trainedByRunUrn: "urn:pedigree:run:pretrain" }) { urn } }`)).registerModelVersion.urn;
  await m(`mutation($i: [String!], $c: String) { registerRun(input: { runId: "train", kind: TRAINING, status: COMPLETED, inputs: $i, codeVersionUrn: $c, compute: { gpuType: "H100", gpuCount: 4, gpuHours: 24 } }) { urn } }`, { i: [...clean, base], c: code });
  const mv = (await m(`mutation { registerModelVersion(input: { modelUrn: "urn:pedigree:model:credit", trainedByRunUrn: "urn:pedigree:run:train", artifactSha256: "${'a'.repeat(64)}" }) { urn } }`)).registerModelVersion.urn;
  const asked = (await m(`mutation($u: String!) { requestStageChange(input: { urn: $u, stage: PRODUCTION, reason: "bench" }) { id } }`, { u: mv })).requestStageChange.id;
  await m(`mutation { createPrincipal(input: { name: "approver", kind: USER, roles: [ADMIN] }) { id } }`);
  const key = (await m(`mutation { createApiKey(input: { principalName: "approver", name: "bench" }) { key } }`)).createApiKey.key;
  await bench.gql(`mutation($id: ID!) { decideStageChange(id: $id, approve: true) { status } }`, { id: asked }, key);
  await m(`mutation { registerDeployment(input: { name: "credit-api" }) { urn } }`);
  const now = Date.now();
  for (const [share, at] of [[1, now - 3_600_000 * 48], [0.9, now - 3_600_000 * 24]] as const) {
    await m(`mutation($i: ReviseDeploymentInput!) { reviseDeployment(input: $i) { urn } }`,
      { i: { deploymentUrn: 'urn:pedigree:deployment:credit-api', traffic: [{ modelVersionUrn: mv, trafficShare: share }], validFrom: new Date(at).toISOString() } });
  }
  return mv;
}

async function main(): Promise<void> {
  const bench = await startBenchApp({ GRAPHQL_MAX_COMPLEXITY: '1000000' });
  try {
    const mv = await scenario(bench);
    const t0 = performance.now();
    await sqlOn(bench.databaseUrl, `INSERT INTO audit_log (principal, action, outcome, details)
      SELECT 'bench', 'noop', 'succeeded', jsonb_build_object('i', i) FROM generate_series(1, $1::int) i`, [AUDIT_ENTRIES]);
    await bench.gql(`{ verifyAuditLog { ok } }`); // seals them
    const sealed = (performance.now() - t0) / 1000;
    const query = `query($u: String!) { modelVersionReport(urn: $u) { header { digest } trainingRuns { runId } data { urn } serving { urn } auditLog { ok checked } } }`;
    let checked = 0;
    const json = await latency(30, async () => {
      checked = (await bench.gql(query, { u: mv })).modelVersionReport.auditLog.checked;
    }, 3);
    const pdf = await latency(30, async () => {
      const res = await fetch(`${bench.url}/api/v1/reports/model-version?urn=${encodeURIComponent(mv)}&format=pdf`, { headers: { authorization: `Bearer ${BENCH_KEY}` } });
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      await res.arrayBuffer();
    }, 3);
    console.log(`\nPedigree reports benchmark — 50 raw + 10 clean dataset versions, 13 runs, ${AUDIT_ENTRIES} audit entries added in the period`);
    console.log(`node ${process.version}, ${new Date().toISOString()}\n`);
    console.log(`inserting and sealing ${AUDIT_ENTRIES} audit entries: ${sealed.toFixed(1)} s\n`);
    console.log(table(['model version report', 'requests', 'p50 ms', 'p99 ms'], [
      [`JSON through GraphQL (verifies ${checked} audit entries)`, 30, json.p50.toFixed(1), json.p99.toFixed(1)],
      ['PDF over HTTP', 30, pdf.p50.toFixed(1), pdf.p99.toFixed(1)],
    ]));
  } finally {
    await bench.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
