/**
 * The prediction report on real ONNX models: what served the prediction, the replay verdict, attributions
 * and the data the model version learned from; payloads, replay and attributions only with readData; a
 * non-reproducible prediction is a finding; HTTP formats; reading it is audited.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, codeOf, issueKey, startTestApp, TestApp } from './support/harness';
import { artifactRoot, HOUR, logPredictions, Row, Served, servedScenario } from './support/predictions';

let app: TestApp;
let s: Served;

before(async () => {
  const root = artifactRoot();
  app = await startTestApp({ PEDIGREE_ARTIFACT_ROOTS: root, PEDIGREE_AUTH_CACHE_SECONDS: '0' });
  s = await servedScenario(app, root);
});
after(async () => app?.close());

const log = (records: Partial<Row>[], at: number): Promise<string[]> => logPredictions(app, s.deployment, records, at);

const REPORT = `query($id: String!) { predictionReport(id: $id) {
  header { kind subject digest } predictionId deploymentUrn modelVersionUrn input output
  replay { reproducible maxAbsDifference artifactSha256 } explanation { method attributions { feature value attribution } }
  data { urn classifications path { urn } } withheld findings { severity message } auditLog { ok } } }`;

describe('prediction report', () => {
  it('answers "why was this decided": what served it, reproduced, attributed, and what the model learned from', async () => {
    const x = [3, 1.5, -2];
    const [id] = await log([{ input: x, output: [[s.m1.predict(x)]] }], s.t.v1Only + HOUR);
    const res = await app.gql(REPORT, { id });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const r = res.data!.predictionReport;
    assert.deepEqual([r.header.kind, r.header.subject, r.predictionId, r.deploymentUrn, r.modelVersionUrn], ['prediction', id, id, s.deployment, s.v1]);
    assert.deepEqual(r.input, x);
    assert.equal(r.replay.reproducible, true);
    assert.equal(r.replay.artifactSha256, s.m1.sha256);
    assert.deepEqual(r.explanation.attributions.map((a: any) => a.feature), ['income', 'debt', 'age']);
    assert.match(r.explanation.method, /Shapley/);
    assert.deepEqual(r.data.map((d: any) => d.urn), [s.trainingData]);
    assert.deepEqual(r.data[0].path.map((n: any) => n.urn), [s.trainingData, s.trainingRun, s.v1]);
    assert.equal(r.auditLog.ok, true);
    assert.deepEqual(r.findings, []);
    const audited = await app.ok(`{ auditLog(filter: { action: "report", target: "prediction:${id}" }) { edges { node { principal details } } } }`);
    assert.equal(audited.auditLog.edges[0].node.details.digest, r.header.digest);
  });

  it('a prediction that does not reproduce is a finding', async () => {
    const x = [1, 1, 1];
    const [id] = await log([{ input: x, output: [[s.m1.predict(x) + 0.5]] }], s.t.v1Only + 2 * HOUR);
    const r = (await app.ok(REPORT, { id })).predictionReport;
    assert.equal(r.replay.reproducible, false);
    assert.ok(r.findings.some((f: any) => f.severity === 'warning' && /Not reproducible/.test(f.message)), JSON.stringify(r.findings));
  });

  it('needs audit on the deployment; without readData there are no payloads, replay or attributions — and it says so', async () => {
    const [id] = await log([{ input: [0, 0, 0], output: [[s.m1.predict([0, 0, 0])]] }], s.t.v1Only + 3 * HOUR);
    const reader = await issueKey(app, 'report-reader', ['READER']);
    assert.equal(codeOf(await app.gql(REPORT, { id }, reader)), 'FORBIDDEN');
    const auditor = await issueKey(app, 'report-auditor', ['AUDITOR']);
    const res = await app.gql(REPORT, { id }, auditor);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const r = res.data!.predictionReport;
    assert.deepEqual([r.input, r.output, r.replay, r.explanation], [null, null, null, null]);
    assert.ok(r.findings.some((f: any) => /need readData/.test(f.message)));
    assert.equal(codeOf(await app.gql(REPORT, { id: 'no-such-prediction' }, auditor)), 'NOT_FOUND');
  });

  it('serves JSON, Markdown and HTML over HTTP', async () => {
    const [id] = await log([{ input: [2, 2, 2], output: [[s.m1.predict([2, 2, 2])]] }], s.t.v1Only + 4 * HOUR);
    const asOf = new Date().toISOString();
    const get = (format: string) => fetch(`${app.url}/api/v1/reports/prediction?id=${id}&asOf=${asOf}&format=${format}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const json = (await (await get('json')).json()) as any;
    const md = await (await get('markdown')).text();
    for (const fact of ['# Prediction report', 'Reproducible', '## Attributions', 'income', s.trainingData, json.header.digest]) assert.ok(md.includes(fact), fact);
    const html = await (await get('html')).text();
    assert.match(html, /<h2>Replay<\/h2>/);
    assert.match(html, /<svg /);
    assert.equal((await fetch(`${app.url}/api/v1/reports/prediction`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).status, 400);
  });
});
