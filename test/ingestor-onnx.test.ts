import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, issueKey, startTestApp, TestApp } from './support/harness';
import { linearModel } from './support/onnx-models';

let app: TestApp;
let dir: string;
before(async () => {
  app = await startTestApp();
  dir = mkdtempSync(join(tmpdir(), 'pedigree-onnx-'));
});
after(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const CLI = join(__dirname, '..', '..', 'bin', 'pedigree-ingest.js');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('pedigree-ingest onnx', () => {
  it('registers a model version with hash, size, opset, producer and signature decoded from the file', async () => {
    const m = linearModel([1, 2, 3, 4], 0.5, { logistic: true, producer: 'skl2onnx' });
    const file = join(dir, 'churn.onnx');
    writeFileSync(file, m.bytes);
    const out = await run(['onnx', file, '--model', 'churn', '--feature-names', 'a,b,c,d', '--url', app.url, '--api-key', ADMIN_KEY]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /registered urn:pedigree:model:churn@1 \(version 1\)/);
    assert.match(out.stdout, /IR 8, opsets ai\.onnx 17, producer skl2onnx 1\.0/);
    assert.match(out.stdout, /input X: float32 \[-1, 4\]/);
    const d = await app.ok(`{ modelVersion(urn: "urn:pedigree:model:churn@1") {
      artifactUri artifactSha256 framework properties signature { inputs { name dtype shape } outputs { name dtype shape } } } }`);
    const v = d.modelVersion;
    assert.equal(v.artifactUri, `file://${file}`);
    assert.equal(v.artifactSha256, m.sha256);
    assert.equal(v.framework, 'onnx');
    assert.deepEqual(v.signature, { inputs: [{ name: 'X', dtype: 'float32', shape: [-1, 4] }], outputs: [{ name: 'Y', dtype: 'float32', shape: [-1, 1] }] });
    assert.deepEqual(v.properties.featureNames, ['a', 'b', 'c', 'd']);
    assert.equal(v.properties.onnx.sizeBytes, m.bytes.length);
    assert.deepEqual(v.properties.onnx.opsets, [{ domain: 'ai.onnx', version: 17 }]);
    // the same file again is the same version
    const again = await run(['onnx', file, '--model', 'urn:pedigree:model:churn', '--url', app.url, '--api-key', ADMIN_KEY]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /registered urn:pedigree:model:churn@1 /);
  });

  it('refuses a file that is not an ONNX model, a missing file, and a caller without write access, clearly', async () => {
    const junk = join(dir, 'junk.onnx');
    writeFileSync(junk, 'definitely not a protobuf model');
    const bad = await run(['onnx', junk, '--model', 'junk', '--url', app.url, '--api-key', ADMIN_KEY]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /junk\.onnx is not an ONNX model/);
    const truncated = join(dir, 'cut.onnx');
    writeFileSync(truncated, linearModel([1], 0).bytes.subarray(0, 60));
    const cut = await run(['onnx', truncated, '--model', 'junk', '--url', app.url, '--api-key', ADMIN_KEY]);
    assert.equal(cut.code, 1);
    assert.match(cut.stderr, /cut\.onnx is (not an ONNX model|not a valid ONNX model)/);
    const missing = await run(['onnx', join(dir, 'nope.onnx'), '--model', 'junk', '--url', app.url, '--api-key', ADMIN_KEY]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Cannot read .*nope\.onnx/);
    const usage = await run(['onnx', junk, '--url', app.url, '--api-key', ADMIN_KEY]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--model/);
    const good = join(dir, 'ok.onnx');
    writeFileSync(good, linearModel([1], 0).bytes);
    const reader = await issueKey(app, 'onnx-reader', ['READER']);
    const denied = await run(['onnx', good, '--model', 'junk', '--url', app.url, '--api-key', reader]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /Pedigree refused the registration: .*may not write/);
    const count = await app.db.query<{ n: string }>(`SELECT count(*) AS n FROM node WHERE urn LIKE 'urn:pedigree:model:junk%'`);
    assert.equal(Number(count[0].n), 0);
  });
});
