import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeOf, issueKey, startTestApp, TestApp } from './support/harness';
import { model, modelVersion } from './support/catalog';
import { linearModel, writeModel } from './support/onnx-models';
import { artifactRoot, HOUR, logPredictions, Row, Served, servedScenario } from './support/predictions';

let app: TestApp;
let s: Served;
before(async () => {
  const root = artifactRoot();
  app = await startTestApp({ PEDIGREE_ARTIFACT_ROOTS: root });
  s = await servedScenario(app, root);
});
after(async () => app?.close());

const log = (records: Partial<Row>[], at: number): Promise<string[]> => logPredictions(app, s.deployment, records, at);

const REPLAY = `query($id: String!, $tol: Float) { replayPrediction(id: $id, tolerance: $tol) {
  predictionId artifactSha256 loggedOutput newOutput maxAbsDifference tolerance reproducible notes modelVersion { urn } } }`;

describe('replayPrediction', () => {
  it('re-runs the logged input through the exact artifact and finds the logged output reproduced', async () => {
    const x = [3, 1.5, -2];
    const [id] = await log([{ input: x, output: [[s.m1.predict(x)]] }], s.t.v1Only + HOUR);
    const d = await app.ok(REPLAY, { id });
    const r = d.replayPrediction;
    assert.equal(r.modelVersion.urn, s.v1);
    assert.equal(r.artifactSha256, s.m1.sha256);
    assert.equal(r.reproducible, true, JSON.stringify(r));
    assert.ok(r.maxAbsDifference < 1e-5);
    assert.deepEqual(Object.keys(r.newOutput), ['Y']);
    assert.ok(Math.abs(r.newOutput.Y[0][0] - s.m1.predict(x)) < 1e-5);
  });

  it('accepts inputs keyed by ONNX input name or by feature name, and outputs keyed by output name', async () => {
    const x = [1, 2, 0.5];
    const byFeature = { income: x[0], debt: x[1], age: x[2] };
    const ids = await log(
      [
        { input: { X: [x] }, output: { Y: [[s.m2.predict(x)]] } },
        { input: byFeature, output: s.m2.predict(x) },
      ],
      s.t.v2Only + HOUR,
    );
    for (const id of ids) {
      const r = (await app.ok(REPLAY, { id })).replayPrediction;
      assert.equal(r.modelVersion.urn, s.v2);
      assert.equal(r.reproducible, true, JSON.stringify(r));
    }
  });

  it('says not reproducible, with the difference, when the logged output differs', async () => {
    const x = [1, 1, 1];
    const [id] = await log([{ input: x, output: [[s.m1.predict(x) + 0.25]] }], s.t.v1Only + 2 * HOUR);
    const r = (await app.ok(REPLAY, { id })).replayPrediction;
    assert.equal(r.reproducible, false);
    assert.ok(Math.abs(r.maxAbsDifference - 0.25) < 1e-5, String(r.maxAbsDifference));
    assert.match(r.notes.join(' '), /above the tolerance/);
    const loose = (await app.ok(REPLAY, { id, tol: 0.5 })).replayPrediction;
    assert.equal(loose.reproducible, true);
  });

  it('refuses a modified, missing, unverifiable or out-of-root artifact with a clear error', async () => {
    const x = [0, 0, 1];
    const m = linearModel([1, 2, 3], 0);
    const mUrn = await model(app, 'scorer');
    const path = join(s.artifactRoot, 'scorer.onnx');
    const v = await modelVersion(app, mUrn, { artifactUri: writeModel(path, m), artifactSha256: m.sha256 });
    const dep = await app.ok(`mutation { registerDeployment(input: { name: "scorer-api" }) { urn } }`);
    await app.ok(`mutation($i: ReviseDeploymentInput!) { reviseDeployment(input: $i) { urn } }`, {
      i: { deploymentUrn: dep.registerDeployment.urn, traffic: [{ modelVersionUrn: v, trafficShare: 1 }], validFrom: new Date(s.t.before).toISOString() },
    });
    const [id] = await log([{ deployment: dep.registerDeployment.urn, input: x, output: [[3]] }], s.t.v1Only + 3 * HOUR);
    assert.equal((await app.ok(REPLAY, { id })).replayPrediction.reproducible, true);

    writeFileSync(path, linearModel([1, 2, 4], 0).bytes); // someone replaced the file
    const tampered = await app.gql(REPLAY, { id });
    assert.equal(codeOf(tampered), 'CONFLICT');
    assert.match(tampered.errors![0].message, new RegExp(`registered with ${m.sha256}: it is not the model that served this prediction`));

    unlinkSync(path);
    const missing = await app.gql(REPLAY, { id });
    assert.equal(codeOf(missing), 'NOT_FOUND');
    assert.match(missing.errors![0].message, /artifact of .* is missing: no file at/);

    const outside = mkdtempSync(join(tmpdir(), 'elsewhere-'));
    const elsewhere = join(outside, 'm.onnx');
    writeModel(elsewhere, m);
    const v2 = await modelVersion(app, mUrn, { artifactUri: `file://${elsewhere}`, artifactSha256: linearModel([9], 9).sha256 });
    await app.ok(`mutation($i: ReviseDeploymentInput!) { reviseDeployment(input: $i) { urn } }`, {
      i: { deploymentUrn: dep.registerDeployment.urn, traffic: [{ modelVersionUrn: v2, trafficShare: 1 }], validFrom: new Date(s.t.v2Only).toISOString() },
    });
    const [id2] = await log([{ deployment: dep.registerDeployment.urn, input: x, output: [[3]] }], s.t.v2Only + HOUR);
    const forbidden = await app.gql(REPLAY, { id: id2 });
    assert.equal(codeOf(forbidden), 'FORBIDDEN');
    assert.match(forbidden.errors![0].message, /outside PEDIGREE_ARTIFACT_ROOTS/);

    // inside the root, but not an ONNX model at all
    const junk = join(s.artifactRoot, 'junk.onnx');
    copyFileSync(__filename, junk);
    const v3 = await modelVersion(app, mUrn, { artifactUri: `file://${junk}`, artifactSha256: createHash('sha256').update(readFileSync(junk)).digest('hex') });
    await app.ok(`mutation($i: ReviseDeploymentInput!) { reviseDeployment(input: $i) { urn } }`, {
      i: { deploymentUrn: dep.registerDeployment.urn, traffic: [{ modelVersionUrn: v3, trafficShare: 1 }], validFrom: new Date(s.t.v2Only + 2 * HOUR).toISOString() },
    });
    const [id3] = await log([{ deployment: dep.registerDeployment.urn, input: x }], s.t.v2Only + 3 * HOUR);
    const notOnnx = await app.gql(REPLAY, { id: id3 });
    assert.equal(codeOf(notOnnx), 'BAD_USER_INPUT');
    assert.match(notOnnx.errors![0].message, /not a model ONNX Runtime can load/);
  });

  it('refuses to replay a prediction whose payloads were not kept', async () => {
    const [id] = await log([{ deployment: s.hashOnly, input: [1, 2, 3], output: [[1]] }], s.t.v1Only + 4 * HOUR);
    const res = await app.gql(REPLAY, { id });
    assert.equal(codeOf(res), 'BAD_USER_INPUT');
    assert.match(res.errors![0].message, /has no stored input .* cannot be replayed/);
  });

  it('needs readData: a reader sees the prediction and what served it, but not its payloads, and cannot replay or explain it', async () => {
    const [id] = await log([{ input: [1, 2, 3], output: [[1]] }], s.t.v1Only + 5 * HOUR);
    const reader = await issueKey(app, 'reader-1', ['READER']);
    assert.equal((await app.ok(`query($id: String!) { prediction(id: $id) { id } }`, { id }, reader)).prediction.id, id);
    const payload = await app.gql(`query($id: String!) { prediction(id: $id) { id modelVersion { urn } input } }`, { id }, reader);
    assert.equal(codeOf(payload), 'FORBIDDEN');
    assert.deepEqual(payload.errors![0].path, ['prediction', 'input']);
    assert.equal(codeOf(await app.gql(REPLAY, { id }, reader)), 'FORBIDDEN');
    assert.equal(codeOf(await app.gql(`query($id: String!) { explainPrediction(id: $id) { method } }`, { id }, reader)), 'FORBIDDEN');
  });
});

const EXPLAIN = `query($id: String!, $baseline: [Float!], $samples: Int) { explainPrediction(id: $id, baseline: $baseline, samples: $samples) {
  output method limits baselineSource predictedValue baselineValue evaluations attributions { index feature value baseline attribution } } }`;

describe('explainPrediction', () => {
  it('gives exact Shapley values: w·(x − baseline) for a linear model, summing to f(x) − f(baseline)', async () => {
    const x = [4, 2, 30];
    const [id] = await log([{ input: { income: x[0], debt: x[1], age: x[2] }, output: [[s.m1.predict(x)]] }], s.t.v1Only + 6 * HOUR);
    const baseline = [1, 1, 20];
    const e = (await app.ok(EXPLAIN, { id, baseline })).explainPrediction;
    assert.match(e.method, /Exact Shapley values over all 8 coalitions of 3 features/);
    assert.match(e.limits, /one baseline row/);
    assert.equal(e.baselineSource, 'given');
    assert.deepEqual(e.attributions.map((a: { feature: string }) => a.feature), ['income', 'debt', 'age']);
    e.attributions.forEach((a: { index: number; attribution: number }) => {
      const expected = s.m1.weights[a.index] * (x[a.index] - baseline[a.index]);
      assert.ok(Math.abs(a.attribution - expected) < 1e-4, `${a.index}: ${a.attribution} vs ${expected}`);
    });
    const sum = e.attributions.reduce((t: number, a: { attribution: number }) => t + a.attribution, 0);
    assert.ok(Math.abs(sum - (e.predictedValue - e.baselineValue)) < 1e-4);
    assert.equal(e.evaluations, 8);
  });

  it('defaults the baseline to the mean of other logged inputs, and samples permutations for wide models', async () => {
    const x = [2, 4, 6];
    const others = [[0, 0, 0], [2, 2, 2]];
    const ids = await log([x, ...others].map((input) => ({ input, output: [[0]] })), s.t.v1Only + 7 * HOUR);
    const e = (await app.ok(EXPLAIN, { id: ids[0] })).explainPrediction;
    assert.match(e.baselineSource, /mean of \d+ other logged inputs/);
    // the logistic model (v2) is non-linear; its attributions still sum to f(x) − f(baseline)
    const wide = linearModel(Array.from({ length: 12 }, (_, i) => (i % 3) - 1 + i / 10), 0.5, { logistic: true });
    const mUrn = await model(app, 'wide');
    const v = await modelVersion(app, mUrn, { artifactUri: writeModel(join(s.artifactRoot, 'wide.onnx'), wide), artifactSha256: wide.sha256 });
    const dep = (await app.ok(`mutation { registerDeployment(input: { name: "wide-api" }) { urn } }`)).registerDeployment.urn;
    await app.ok(`mutation($i: ReviseDeploymentInput!) { reviseDeployment(input: $i) { urn } }`, {
      i: { deploymentUrn: dep, traffic: [{ modelVersionUrn: v, trafficShare: 1 }], validFrom: new Date(s.t.before).toISOString() },
    });
    const input = Array.from({ length: 12 }, (_, i) => (i - 6) / 3);
    const [wid] = await log([{ deployment: dep, input, output: [[wide.predict(input)]] }], s.t.v1Only + 8 * HOUR);
    const w = (await app.ok(EXPLAIN, { id: wid, samples: 50 })).explainPrediction;
    assert.match(w.method, /estimated from 50 random feature permutations/);
    assert.match(w.limits, /Monte-Carlo error/);
    assert.equal(w.evaluations, 50 * 13);
    const sum = w.attributions.reduce((t: number, a: { attribution: number }) => t + a.attribution, 0);
    assert.ok(Math.abs(sum - (w.predictedValue - w.baselineValue)) < 1e-4, `${sum} vs ${w.predictedValue - w.baselineValue}`);
    assert.equal(w.baselineSource, 'zeros (no other logged inputs)');
    // seeded by the prediction id: the same question gets the same answer
    assert.deepEqual((await app.ok(EXPLAIN, { id: wid, samples: 50 })).explainPrediction.attributions, w.attributions);
  });

  it('refuses inputs that are not one tabular row, and a baseline of the wrong width', async () => {
    const [id] = await log([{ input: { X: [[1, 2, 3], [4, 5, 6]] }, output: [[1], [2]] }], s.t.v1Only + 9 * HOUR);
    const notRow = await app.gql(EXPLAIN, { id });
    assert.equal(codeOf(notRow), 'BAD_USER_INPUT');
    assert.match(notRow.errors![0].message, /tabular models/);
    const [id2] = await log([{ input: [1, 2, 3] }], s.t.v1Only + 10 * HOUR);
    const width = await app.gql(EXPLAIN, { id: id2, baseline: [1, 2] });
    assert.match(width.errors![0].message, /baseline has 2 values; the model has 3 features/);
  });
});
