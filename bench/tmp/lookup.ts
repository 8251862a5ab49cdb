import { DAY_MS } from '../../src/predictions/ingest/attribution';
import { generateBatch } from '../predictions-data';
import { BENCH_KEY, latency, startBenchApp } from '../support';
async function main() {
  const bench = await startBenchApp({ DATABASE_POOL_SIZE: '4' });
  try {
    const mv = await bench.gql(`mutation { registerModel(input: { name: "churn" }) { urn } }`);
    const version = await bench.gql(`mutation($m: String!) { registerModelVersion(input: { modelUrn: $m, framework: "onnx" }) { id urn } }`, { m: mv.registerModel.urn });
    const dep = await bench.gql(`mutation { registerDeployment(input: { name: "churn-api" }) { id urn } }`);
    await bench.gql(`mutation($i: ReviseDeploymentInput!) { reviseDeployment(input: $i) { urn } }`, {
      i: { deploymentUrn: dep.registerDeployment.urn, traffic: [{ modelVersionUrn: version.registerModelVersion.urn, trafficShare: 1 }], validFrom: new Date(Date.now() - 30 * DAY_MS).toISOString() },
    });
    const ids: string[] = [];
    for (let b = 0; b < 4; b++) {
      const g = generateBatch({ size: 50000, startMs: Date.now() - 2 * DAY_MS + b * 50000 * 1000, stepMs: 1000, ids: 'v7', seed: b, deployment: dep.registerDeployment.urn });
      ids.push(...g.sampleIds);
      const res = await fetch(`${bench.url}/api/v1/predictions`, { method: 'POST', headers: { 'content-type': 'application/vnd.apache.arrow.stream', authorization: `Bearer ${BENCH_KEY}` }, body: g.ipc as Uint8Array<ArrayBuffer> });
      await res.text();
    }
    await new Promise((r) => setTimeout(r, 3000));
    for (let round = 0; round < 3; round++) for (const [name, q] of [
      ['me', `{ me { name } }`],
      ['id only', `query($id: String!) { prediction(id: $id) { id } }`],
      ['full', `query($id: String!) { prediction(id: $id) { id timestamp latencyMs modelVersion { urn version } deployment { urn } } }`],
    ]) {
      let k = 0;
      const l = await latency(1000, () => bench.gql(q, { id: ids[k++ % ids.length] }));
      console.log(name.padEnd(24), l.p50.toFixed(2), l.p99.toFixed(2));
    }
  } finally {
    await bench.close();
  }
}
main();
