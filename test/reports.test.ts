/**
 * The model version report on a realistic scenario: raw data with PII → cleaning run → clean data and a
 * feature view → pretraining and training on GPUs → model versions 1 and 2 → four-eyes approval →
 * deployment with a canary → predictions. Asserts the report's key facts, that the same asOf gives the same
 * digest, that asOf before the canary describes the world before it, access (audit needed; withheld nodes),
 * tamper evidence carried into the report, the HTTP formats, and that reading a report is audited.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, codeOf, issueKey, startTestApp, TestApp } from './support/harness';
import { codeVersion, dataset, datasetVersion, deployment, model, modelVersion, promote, run, sha } from './support/catalog';
import { HOUR, jsonLines, NDJSON, uuidv7 } from './support/predictions';
import { pdfText } from './support/pdf';

let app: TestApp;
const s = {} as Record<string, string>;
let canaryAt: number;

const REPORT = `query($u: String!, $t: DateTime) { modelVersionReport(urn: $u, asOf: $t) {
  header { kind subject asOf generatedAt pedigreeVersion digest }
  modelUrn modelVersionUrn version artifactSha256 framework stage
  trainingRuns { runId depth gpuType gpuCount gpuHours energyKwh params metrics codeVersion { commitSha path } }
  compute { trainingRuns gpuHours energyKwh gpus }
  data { kind urn ownerTeam domain classifications path { kind urn withheld } }
  stageChanges { fromStage toStage changedAt }
  stageHistory { stage requestedBy decidedBy status }
  policies
  serving { urn windows { trafficShare predictionCount to } }
  deadLetters withheld findings { severity message } auditLog { ok checked brokenAt reason } } }`;

const report = async (urn: string, asOf?: Date, key: string = ADMIN_KEY) => {
  const res = await app.gql(REPORT, { u: urn, t: asOf?.toISOString() }, key);
  return { res, r: res.data?.modelVersionReport };
};

before(async () => {
  app = await startTestApp({ PEDIGREE_AUTH_CACHE_SECONDS: '0' });
  const now = Date.now();
  const raw = await dataset(app, 'raw.customers', { ownerTeam: 'crm', domain: 'sales', classifications: ['PII'] });
  s.rawV = await datasetVersion(app, raw, { locationUri: 's3://raw/customers' });
  s.code = await codeVersion(app, 'c0ffee1', { path: 'jobs/train.py' });
  s.clean = await run(app, 'clean-1', { kind: 'DATA_PROCESSING', inputs: [s.rawV], codeVersionUrn: s.code, status: 'COMPLETED' });
  const clean = await dataset(app, 'clean.customers', { ownerTeam: 'ml', domain: 'sales' });
  s.cleanV = await datasetVersion(app, clean, { producedByRunUrn: s.clean });
  s.features = (await app.ok(`mutation($d: String!) { registerFeatureView(input: { name: "customer_features", entities: ["customer_id"], sourceDatasetUrn: $d, features: [{ name: "age", dtype: "int" }] }) { urn } }`, { d: clean })).registerFeatureView.urn;
  const base = await model(app, 'base-encoder', { ownerTeam: 'ml' });
  const pre = await run(app, 'pretrain-1', { inputs: [s.cleanV], codeVersionUrn: s.code, status: 'COMPLETED', compute: { gpuType: 'A100', gpuCount: 8, gpuHours: 100, energyKwh: 30 } });
  s.base = await modelVersion(app, base, { trainedByRunUrn: pre, artifactSha256: sha('base') });
  s.train = await run(app, 'train-1', { inputs: [s.cleanV, s.base, s.features], codeVersionUrn: s.code, status: 'COMPLETED',
    params: { lr: 0.01 }, metrics: { auc: 0.91 }, compute: { gpuType: 'H100', gpuCount: 4, gpuHours: 24, energyKwh: 12 } });
  const credit = await model(app, 'credit', { ownerTeam: 'risk', domain: 'sales' });
  s.v1 = await modelVersion(app, credit, { trainedByRunUrn: s.train, artifactSha256: sha('credit-1'), framework: 'onnx' });
  const train2 = await run(app, 'train-2', { inputs: [s.cleanV], status: 'COMPLETED', compute: { gpuType: 'H100', gpuCount: 1, gpuHours: 2 } });
  s.v2 = await modelVersion(app, credit, { trainedByRunUrn: train2, artifactSha256: sha('credit-2'), framework: 'onnx' });
  assert.equal(codeOf(await promote(app, s.v1)), undefined);
  s.dep = await deployment(app, 'credit-api', { environment: 'production', ownerTeam: 'risk', domain: 'sales' });
  canaryAt = now - HOUR;
  const revise = (traffic: { modelVersionUrn: string; trafficShare: number }[], at: number) =>
    app.ok(`mutation($i: ReviseDeploymentInput!) { reviseDeployment(input: $i) { urn } }`, { i: { deploymentUrn: s.dep, traffic, validFrom: new Date(at).toISOString() } });
  await revise([{ modelVersionUrn: s.v1, trafficShare: 1 }], now - 3 * HOUR);
  await revise([{ modelVersionUrn: s.v1, trafficShare: 0.9 }, { modelVersionUrn: s.v2, trafficShare: 0.1 }], canaryAt);
  const rows = [now - 2 * HOUR, now - 2 * HOUR + 1000, now - 30 * 60_000].map((t) => ({ predictionId: uuidv7(t), deployment: s.dep, modelVersion: s.v1, timestamp: t, input: { x: 1 }, output: { y: 0 } }));
  assert.equal((await app.post('/api/v1/predictions', jsonLines(rows), ADMIN_KEY, NDJSON)).status, 200);
  await app.ok(`mutation { putAccessPolicy(input: { name: "risk-models", effect: ALLOW, actions: [READ], teams: ["risk"], kinds: [MODEL_VERSION] }) { id } }`);
});
after(async () => app?.close());

describe('model version report', () => {
  it('states identity, training with compute over every upstream training run, data with PII and paths, governance, serving', async () => {
    const { res, r } = await report(s.v1);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.deepEqual([r.header.kind, r.header.subject, r.modelUrn, r.version, r.framework, r.stage], ['model_version', s.v1, 'urn:pedigree:model:credit', 1, 'onnx', 'production']);
    assert.match(r.header.digest, /^[0-9a-f]{64}$/);
    assert.equal(r.header.pedigreeVersion, '0.1.0');
    assert.deepEqual(r.trainingRuns.map((t: any) => [t.runId, t.gpuType, t.gpuCount, t.codeVersion?.commitSha]), [['train-1', 'H100', 4, 'c0ffee1'], ['pretrain-1', 'A100', 8, 'c0ffee1']]);
    assert.deepEqual(r.trainingRuns[0].params, { lr: 0.01 });
    assert.deepEqual(r.compute, { trainingRuns: 2, gpuHours: 124, energyKwh: 42, gpus: ['H100 × 4', 'A100 × 8'] });
    const raw = r.data.find((d: any) => d.urn === s.rawV);
    assert.deepEqual([raw.ownerTeam, raw.domain, raw.classifications], ['crm', 'sales', ['PII']]);
    assert.deepEqual(raw.path.map((n: any) => n.urn), [s.rawV, s.clean, s.cleanV, s.train, s.v1], 'the shortest lineage path to the model version');
    assert.ok(r.data.some((d: any) => d.kind === 'FEATURE_VIEW' && d.urn === s.features));
    assert.ok(r.findings.some((f: any) => f.severity === 'info' && f.message.includes('PII') && f.message.includes(s.rawV)));
    assert.deepEqual(r.stageHistory.map((h: any) => [h.stage, h.requestedBy, h.decidedBy, h.status]), [['production', 'admin', 'second-pair-of-eyes', 'approved']]);
    assert.deepEqual(r.stageChanges.map((c: any) => [c.fromStage, c.toStage]), [['none', 'production']]);
    assert.ok(r.policies.includes('risk-models'));
    assert.deepEqual(r.serving.map((d: any) => d.windows.map((w: any) => [w.trafficShare, w.predictionCount])), [[[1, 2], [0.9, 1]]]);
    assert.equal(r.auditLog.ok, true);
    assert.ok(r.auditLog.checked > 0);
    assert.equal(r.withheld, 0);
  });

  it('lists missing links as findings', async () => {
    const { r } = await report(s.v2);
    assert.ok(r.findings.some((f: any) => f.severity === 'warning' && f.message === 'Training run train-2 has no code version.'), JSON.stringify(r.findings));
  });

  it('the same asOf gives the same digest; an asOf before the canary describes the world before it', async () => {
    const asOf = new Date(canaryAt - 60_000);
    const [a, b] = [(await report(s.v1, asOf)).r, (await report(s.v1, asOf)).r];
    assert.equal(a.header.digest, b.header.digest);
    assert.deepEqual(a.serving.map((d: any) => d.windows.map((w: any) => w.trafficShare)), [[1]], 'no canary window yet');
    assert.equal(a.serving[0].windows[0].to, null, 'still serving at that moment');
    assert.doesNotMatch(JSON.stringify(a), /credit@2/, 'version 2 is not mentioned');
    assert.deepEqual([a.stage, a.stageChanges], ['none', []], 'promoted only later');
    const now = (await report(s.v1)).r;
    assert.notEqual(now.header.digest, a.header.digest);
  });

  it('records every stage change, whatever the path, and states the stage as of any time exactly', async () => {
    const set = (stage: string) => app.ok(`mutation($u: String!, $s: ModelStage!) { setModelVersionStage(input: { urn: $u, stage: $s }) { stage } }`, { u: s.v2, s: stage });
    await set('STAGING');
    await set('STAGING'); // no change, no row
    await set('ARCHIVED');
    const { r } = await report(s.v2);
    assert.deepEqual(r.stageChanges.map((c: any) => [c.fromStage, c.toStage]), [['none', 'staging'], ['staging', 'archived']]);
    assert.equal(r.stage, 'archived');
    // Times print in milliseconds and are stored in microseconds: the first change is in effect 1 ms after its printed time.
    const between = (await report(s.v2, new Date(Date.parse(r.stageChanges[0].changedAt) + 1))).r;
    assert.deepEqual([between.stage, between.stageChanges.length], ['staging', 1]);
    const md = await (await fetch(`${app.url}/api/v1/reports/model-version?urn=${encodeURIComponent(s.v2)}&format=markdown`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    assert.match(md, /## Stage history/);
    assert.match(md, /\| staging \| archived \|/);
  });

  it('needs audit on the model version; a partial reader sees withheld placeholders; reading is audited', async () => {
    const reader = await issueKey(app, 'plain-reader', ['READER']);
    const refused = await report(s.v1, undefined, reader);
    assert.equal(codeOf(refused.res), 'FORBIDDEN');
    const partial = await issueKey(app, 'model-risk-auditor', [], ['mrm']);
    await app.ok(`mutation { putAccessPolicy(input: { name: "mrm-read", effect: ALLOW, actions: [READ], teams: ["mrm"] }) { id } }`);
    await app.ok(`mutation { putAccessPolicy(input: { name: "mrm-no-pii", effect: DENY, actions: [READ], teams: ["mrm"], classifications: ["PII"] }) { id } }`);
    await app.ok(`mutation { putAccessPolicy(input: { name: "mrm-audit", effect: ALLOW, actions: [AUDIT], teams: ["mrm"], kinds: [MODEL_VERSION] }) { id } }`);
    const { res, r } = await report(s.v1, undefined, partial);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.ok(r.withheld >= 1);
    assert.ok(!r.data.some((d: any) => d.urn === s.rawV), 'the PII dataset is not listed');
    assert.doesNotMatch(JSON.stringify(r), /raw\.customers/, 'nor named anywhere');
    assert.ok(r.findings.some((f: any) => /withheld/.test(f.message)));
    const audited = await app.ok(`{ auditLog(filter: { principal: "model-risk-auditor", action: "report" }) { edges { node { target details } } } }`);
    assert.equal(audited.auditLog.edges[0]?.node.target, s.v1);
    assert.equal(audited.auditLog.edges[0].node.details.digest, r.header.digest);
  });

  it('serves JSON, Markdown and HTML over HTTP, with clear errors', async () => {
    const get = (query: string, key: string | null = ADMIN_KEY) =>
      fetch(`${app.url}/api/v1/reports/model-version?${query}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    const u = `${encodeURIComponent(s.v1)}&asOf=${new Date().toISOString()}`;
    const json = await get(`urn=${u}`);
    assert.equal(json.status, 200);
    const body = (await json.json()) as any;
    assert.equal(json.headers.get('x-report-digest'), body.header.digest);
    const md = await (await get(`urn=${u}&format=markdown`)).text();
    for (const fact of ['# Model version report', '## Training', 'H100 × 4', '## Data', 'raw.customers@1', 'approved', body.header.digest]) assert.ok(md.includes(fact), fact);
    const html = await get(`urn=${u}&format=html`);
    assert.match(html.headers.get('content-type') ?? '', /text\/html/);
    const page = await html.text();
    assert.match(page, /<svg [^>]*aria-label="lineage paths"/);
    assert.match(page, /<table>/);
    assert.doesNotMatch(page, /"trainingRuns"/, 'no raw JSON');
    const pdf = await get(`urn=${u}&format=pdf`);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    assert.equal(Buffer.from(bytes.subarray(0, 5)).toString(), '%PDF-');
    const { text } = await pdfText(bytes);
    for (const fact of ['Model version report', s.v1, 'Training', 'H100 × 4', 'train-1', 'raw.customers@1', 'PII', 'second-pair-of-eyes', 'approved', body.header.digest]) {
      assert.ok(text.includes(fact), `the PDF says ${fact}`);
    }
    assert.equal((await get(`urn=${u}&format=pdfx`)).status, 400);
    assert.equal((await get(`asOf=2026-01-01T00:00:00Z`)).status, 400);
    assert.equal((await get(`urn=${u}&asOf=yesterday`)).status, 400);
    assert.equal((await get(`urn=${u}`, null)).status, 401);
    assert.equal((await get(`urn=${encodeURIComponent('urn:pedigree:model:nope@1')}`)).status, 404);
  });

  it('`npx pedigree report model` writes the same report, in any format, with clear errors', async () => {
    const cli = (args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(__dirname, '..', '..', 'bin', 'pedigree.js'), ...args], { env: { PATH: process.env.PATH ?? '' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
    const out = join(mkdtempSync(join(tmpdir(), 'pedigree-report-')), 'credit-1.pdf');
    const common = ['--url', app.url, '--api-key', ADMIN_KEY];
    const made = await cli(['report', 'model', s.v1, '--format', 'pdf', '--out', out, ...common]);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stderr, /written to .*credit-1\.pdf, digest [0-9a-f]{64}/);
    const { text } = await pdfText(new Uint8Array(readFileSync(out)));
    assert.ok(text.includes(s.v1) && text.includes('H100 × 4'));
    const md = await cli(['report', 'model', s.v1, '--format', 'markdown', '--as-of', new Date().toISOString(), ...common]);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^# Model version report/);
    assert.equal((await cli(['report', 'model', s.v1, '--format', 'pdf', ...common])).code, 2, 'a PDF needs --out');
    assert.equal((await cli(['report', 'model', s.v1, '--format', 'docx', ...common])).code, 2);
    assert.equal((await cli(['report', 'model', s.v1, '--as-of', 'soon', ...common])).code, 2);
    const refused = await cli(['report', 'model', s.v1, '--url', app.url, '--api-key', await issueKey(app, 'cli-reader', ['READER'])]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error: 403 Principal "cli-reader" may not audit/);
  });

  it('dataset usage: the runs that read it, what it feeds, and who read its data', async () => {
    const ds = s.rawV.replace(/@1$/, '');
    await app.ok(`query($u: String!) { datasetVersion(urn: $u) { locationUri } }`, { u: s.rawV });
    const from = new Date(Date.now() - 24 * HOUR).toISOString();
    const q = `query($u: String!, $f: DateTime!, $t: DateTime!) { datasetUsageReport(urn: $u, from: $f, to: $t) {
      header { kind digest } versions readers { urn runKind reads } downstream { kind count } modelVersions deployments
      dataAccess { principal reads } findings { message } auditLog { ok } } }`;
    let r: any;
    for (let i = 0; i < 50; i++) {
      r = (await app.ok(q, { u: ds, f: from, t: new Date(Date.now() + 1000).toISOString() })).datasetUsageReport;
      if (r.dataAccess.length) break; // data reads are appended just after the answer that read them
      await new Promise((done) => setTimeout(done, 20));
    }
    assert.equal(r.header.kind, 'dataset_usage');
    assert.deepEqual(r.versions, [s.rawV]);
    assert.deepEqual(r.readers, [{ urn: s.clean, runKind: 'DATA_PROCESSING', reads: 1 }]);
    assert.deepEqual(r.modelVersions, [s.base, s.v1, s.v2].sort());
    assert.deepEqual(r.deployments, [s.dep]);
    assert.ok(r.downstream.some((d: any) => d.kind === 'RUN' && d.count >= 4));
    assert.ok(r.dataAccess.some((a: any) => a.principal === 'admin' && a.reads >= 1));
    assert.ok(r.findings.some((f: any) => /Classified PII/.test(f.message)));
    assert.equal(codeOf(await app.gql(q, { u: ds, f: from, t: from })), 'BAD_USER_INPUT');
    assert.equal(codeOf(await app.gql(q, { u: ds, f: from, t: new Date().toISOString() }, await issueKey(app, 'usage-reader', ['READER']))), 'FORBIDDEN');
    const md = await (await fetch(`${app.url}/api/v1/reports/dataset-usage?urn=${encodeURIComponent(ds)}&from=${from}&to=${new Date().toISOString()}&format=markdown`,
      { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    assert.ok(md.includes('## Runs that read it') && md.includes(s.clean), md.slice(0, 300));
  });

  it('says when the audit log over its period was tampered with', async () => {
    await app.ok(`{ verifyAuditLog { ok } }`);
    const [row] = await app.db.query<{ seq: string }>(`SELECT seq::text AS seq FROM audit_log ORDER BY seq DESC LIMIT 1 OFFSET 10`);
    await app.db.query(`BEGIN; SET LOCAL session_replication_role = replica; UPDATE audit_log SET principal = 'mallory' WHERE seq = ${row.seq}; COMMIT;`);
    const { r } = await report(s.v1);
    assert.equal(r.auditLog.ok, false);
    assert.equal(r.auditLog.brokenAt, row.seq);
    assert.ok(r.findings.some((f: any) => f.severity === 'warning' && /audit log is not intact/.test(f.message)));
  });
});
