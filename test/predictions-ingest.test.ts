import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { Int32, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { ADMIN_KEY, codeOf, issueKey, startTestApp, TestApp } from './support/harness';
import { count } from './support/catalog';
import { PredictionPartitions } from '../src/predictions/ingest/partitions';
import { ARROW, arrowBody, arrowTable, artifactRoot, DAY, HOUR, jsonLines, NDJSON, Row, Served, servedScenario, uuidv7 } from './support/predictions';

let app: TestApp;
let s: Served;
before(async () => {
  const root = artifactRoot();
  app = await startTestApp({ PEDIGREE_ARTIFACT_ROOTS: root, PEDIGREE_PREDICTIONS_MAX_BODY_BYTES: String(4 * 1024 * 1024) });
  s = await servedScenario(app, root);
});
after(async () => app?.close());

const rows = (n: number, at: number, extra: Partial<Row> = {}): Row[] =>
  Array.from({ length: n }, (_, i) => ({
    predictionId: uuidv7(at + i * 1000),
    deployment: s.deployment,
    timestamp: at + i * 1000,
    input: [1 + i, 2, 3],
    output: [[0.5 + i]],
    latencyMs: 3.5,
    metadata: { region: 'eu' },
    ...extra,
  }));

const stored = () => count(app, 'prediction');
const counted = async () => Number((await app.db.query<{ n: string }>(`SELECT COALESCE(sum(n), 0)::text AS n FROM prediction_count`))[0].n);

describe('POST /api/v1/predictions', () => {
  it('stores an Arrow IPC stream, attributing each record to the model version its deployment served then', async () => {
    const batch = [...rows(30, s.t.v1Only), ...rows(20, s.t.v2Only)];
    const res = await app.post('/api/v1/predictions', arrowBody(batch), ADMIN_KEY, ARROW);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { batches: 1, records: 50, inserted: 50, duplicates: 0 });
    const d = await app.ok(`query($id: String!) { prediction(id: $id) {
        id timestamp latencyMs input output metadata inputSha256
        deployment { urn environment } modelVersion { urn version }
        lineage(depth: 3) { nodes { urn kind } truncated } } }`, { id: batch[0].predictionId });
    assert.equal(d.prediction.id, batch[0].predictionId);
    assert.equal(d.prediction.timestamp, new Date(s.t.v1Only).toISOString());
    assert.deepEqual(d.prediction.input, [1, 2, 3]);
    assert.deepEqual(d.prediction.output, [[0.5]]);
    assert.deepEqual(d.prediction.metadata, { region: 'eu' });
    assert.equal(d.prediction.latencyMs, 3.5);
    assert.equal(d.prediction.inputSha256, null);
    assert.deepEqual(d.prediction.deployment, { urn: s.deployment, environment: 'production' });
    assert.equal(d.prediction.modelVersion.urn, s.v1);
    // prediction → model version → training run → data, in one request
    const lineage = d.prediction.lineage.nodes.map((n: { urn: string }) => n.urn);
    assert.ok(lineage.includes(s.trainingRun) && lineage.includes(s.trainingData), JSON.stringify(lineage));
    const later = await app.ok(`query($id: String!) { prediction(id: $id) { modelVersion { urn } } }`, { id: batch[40].predictionId });
    assert.equal(later.prediction.modelVersion.urn, s.v2);
  });

  it('is idempotent: a re-sent batch stores nothing twice and counts nothing twice', async () => {
    const batch = rows(25, s.t.v1Only + 2 * HOUR);
    assert.equal((await app.post('/api/v1/predictions', arrowBody(batch), ADMIN_KEY, ARROW)).status, 200);
    const [before, beforeCount] = [await stored(), await counted()];
    const again = await app.post('/api/v1/predictions', arrowBody([...batch, ...rows(5, s.t.v1Only + 3 * HOUR)]), ADMIN_KEY, ARROW);
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.body, { batches: 1, records: 30, inserted: 5, duplicates: 25 });
    assert.equal(await stored(), before + 5);
    assert.equal(await counted(), beforeCount + 5);
    // the same id twice within one request is one prediction
    const twice = rows(1, s.t.v1Only + 4 * HOUR);
    const res = await app.post('/api/v1/predictions', arrowBody([...twice, ...twice]), ADMIN_KEY, ARROW);
    assert.deepEqual(res.body, { batches: 1, records: 2, inserted: 1, duplicates: 1 });
  });

  it('refuses a re-used id with different content and stores nothing of that request', async () => {
    const batch = rows(3, s.t.v1Only + 5 * HOUR);
    await app.post('/api/v1/predictions', arrowBody(batch), ADMIN_KEY, ARROW);
    const before = await stored();
    const fresh = rows(4, s.t.v1Only + 6 * HOUR);
    const changed = { ...batch[1], output: [[99]] };
    const res = await app.post('/api/v1/predictions', arrowBody([...fresh, changed]), ADMIN_KEY, ARROW);
    assert.equal(res.status, 409, res.text);
    assert.match(res.body.error.message, new RegExp(`${batch[1].predictionId}.*Nothing of this request was stored`));
    assert.equal(await stored(), before);
    const kept = await app.ok(`query($id: String!) { prediction(id: $id) { output } }`, { id: batch[1].predictionId });
    assert.deepEqual(kept.prediction.output, [[0.5 + 1]]);
  });

  it('takes JSON lines, and requires the model version while a canary splits traffic', async () => {
    const canary = rows(2, s.t.canary);
    const refused = await app.post('/api/v1/predictions', jsonLines(canary), ADMIN_KEY, NDJSON);
    assert.equal(refused.status, 400);
    assert.match(refused.body.error.message, /row 0: 2 model versions were live on urn:pedigree:deployment:credit-api .* must name its model_version/);
    const named = [{ ...canary[0], modelVersion: s.v1 }, { ...canary[1], modelVersion: s.v2 }];
    const res = await app.post('/api/v1/predictions', jsonLines(named), ADMIN_KEY, NDJSON);
    assert.deepEqual(res.body, { batches: 1, records: 2, inserted: 2, duplicates: 0 });
    const d = await app.ok(`query($id: String!) { prediction(id: $id) { modelVersion { urn } } }`, { id: canary[1].predictionId });
    assert.equal(d.prediction.modelVersion.urn, s.v2);
    const wrong = await app.post('/api/v1/predictions', jsonLines([{ ...rows(1, s.t.v2Only)[0], modelVersion: s.v1 }]), ADMIN_KEY, NDJSON);
    assert.equal(wrong.status, 400);
    assert.match(wrong.body.error.message, /model version urn:pedigree:model:credit@1 was not live/);
  });

  it('keeps only SHA-256 hashes of payloads for a hash-only deployment', async () => {
    const [r] = rows(1, s.t.v1Only, { deployment: s.hashOnly, input: { income: 5, debt: 1, age: 30 } });
    assert.equal((await app.post('/api/v1/predictions', jsonLines([r]), ADMIN_KEY, NDJSON)).status, 200);
    const d = await app.ok(`query($id: String!) { prediction(id: $id) { input output inputSha256 outputSha256 } }`, { id: r.predictionId });
    assert.equal(d.prediction.input, null);
    assert.equal(d.prediction.output, null);
    assert.equal(d.prediction.inputSha256, createHash('sha256').update(JSON.stringify(r.input)).digest('hex'));
    assert.equal(d.prediction.outputSha256, createHash('sha256').update(JSON.stringify(r.output)).digest('hex'));
  });

  it('counts predictions per model version per bucket, and impact gains the counts per serving window', async () => {
    const from = new Date(s.t.before).toISOString();
    const to = new Date(Date.now() + HOUR).toISOString();
    const d = await app.ok(`query($d: String!, $f: DateTime!, $t: DateTime!) {
      predictionStats(deploymentUrn: $d, from: $f, to: $t, bucket: DAY) { bucketStart count modelVersion { urn } } }`, { d: s.deployment, f: from, t: to });
    const byVersion = new Map<string, number>();
    for (const row of d.predictionStats) byVersion.set(row.modelVersion.urn, (byVersion.get(row.modelVersion.urn) ?? 0) + row.count);
    const [v1, v2] = await Promise.all(
      [s.v1, s.v2].map(async (urn) =>
        Number((await app.db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM prediction p JOIN node n ON n.id = p.model_version_id WHERE n.urn = $1 AND p.deployment_id = (SELECT id FROM node WHERE urn = $2)`,
          [urn, s.deployment],
        ))[0].n),
      ),
    );
    assert.ok(v1 > 0 && v2 > 0);
    assert.deepEqual(Object.fromEntries(byVersion), { [s.v1]: v1, [s.v2]: v2 });
    // v2 serves credit-api now (after a canary window): impact counts what it served in each window.
    const impact = await app.ok(`query($u: String!, $since: DateTime!) { impact(urn: $u, since: $since) {
      deployments { deployment { urn } windows { predictionCount modelVersion { urn } } } } }`, { u: s.v2, since: from });
    const windows = impact.impact.deployments.find((x: { deployment: { urn: string } }) => x.deployment.urn === s.deployment).windows;
    const total = windows.reduce((sum: number, w: { predictionCount: number }) => sum + w.predictionCount, 0);
    assert.equal(windows.length, 2, 'the canary window and the full one');
    assert.equal(total, v2);
  });
});

describe('POST /api/v1/predictions refuses bad input, stores none of it, and stays up', () => {
  const refuses = async (body: Buffer | string, type: string, status: number, message: RegExp) => {
    const before = await stored();
    const res = await app.post('/api/v1/predictions', body, ADMIN_KEY, type);
    assert.equal(res.status, status, res.text);
    assert.match(res.body.error.message, message);
    assert.equal(await stored(), before, 'nothing stored');
  };
  const table = (r: Row[]) => arrowTable(r);

  it('a schema other than the documented one, or wrong types', async () => {
    const t = table(rows(2, s.t.v2Only));
    await refuses(Buffer.from(tableToIPC(t.select(['prediction_id', 'timestamp']), 'stream')), ARROW, 400, /Column deployment is missing/);
    const extra = new Table({ ...Object.fromEntries(t.schema.fields.map((f) => [f.name, t.getChild(f.name)!])), score: vectorFromArray([1, 2], new Int32()) });
    await refuses(Buffer.from(tableToIPC(extra, 'stream')), ARROW, 400, /Unknown column\(s\) score/);
    const textTime = new Table({ prediction_id: t.getChild('prediction_id')!, deployment: t.getChild('deployment')!, timestamp: vectorFromArray(['2026-01-01', 'x'], new Utf8()) });
    await refuses(Buffer.from(tableToIPC(textTime, 'stream')), ARROW, 400, /Column timestamp is Utf8; expected Timestamp/);
    await refuses(jsonLines(rows(1, s.t.v2Only)).replace('"timestamp"', '"time"'), NDJSON, 400, /Line 1: .*must have required property 'timestamp'/);
    await refuses(`${jsonLines(rows(1, s.t.v2Only))}\n{"predictionId": 5, "deployment": "d", "timestamp": 1}`, NDJSON, 400, /Line 2: \/predictionId must be string/);
    await refuses(`${jsonLines(rows(1, s.t.v2Only))}\n{"deployment": "d", "timestamp": 1}`, NDJSON, 400, /Line 2: the record must have required property 'predictionId'/);
    await refuses('{"predictionId": "x", ', NDJSON, 400, /Line 1 is not valid JSON/);
  });

  it('a truncated or non-Arrow body', async () => {
    const body = arrowBody(rows(50, s.t.v2Only));
    await refuses(body.subarray(0, Math.floor(body.length * 0.7)), ARROW, 400, /truncated or malformed/);
    await refuses(Buffer.from('this is not arrow at all, just text'), ARROW, 400, /not an Arrow IPC stream|truncated or malformed/);
    await refuses(Buffer.alloc(0), ARROW, 400, /no Arrow IPC stream|not an Arrow IPC stream/);
    await refuses(Buffer.from('{}'), 'application/json', 400, /Content-Type application\/json is not accepted here/);
  });

  it('an unknown deployment, or a timestamp with no valid revision or outside the storage window', async () => {
    await refuses(arrowBody(rows(2, s.t.v2Only, { deployment: 'urn:pedigree:deployment:nope' })), ARROW, 400, /Unknown deployment\(s\): urn:pedigree:deployment:nope/);
    await refuses(arrowBody(rows(2, s.t.before)), ARROW, 400, /row 0: no revision of urn:pedigree:deployment:credit-api was valid at/);
    await refuses(arrowBody(rows(1, Date.now() - 400 * DAY)), ARROW, 400, /outside the accepted window/);
    await refuses(arrowBody(rows(1, Date.now() + 30 * DAY)), ARROW, 400, /outside the accepted window/);
    await refuses(jsonLines(rows(1, s.t.v2Only, { modelVersion: 'urn:pedigree:model:credit@9' })), NDJSON, 400, /Unknown model version\(s\): urn:pedigree:model:credit@9/);
  });

  it('a payload PostgreSQL cannot store names the row, and the rest of the request is not stored either', async () => {
    const good = rows(3, s.t.v2Only + 2 * HOUR);
    const t = arrowTable(good);
    const broken = new Table({
      ...Object.fromEntries(t.schema.fields.map((f) => [f.name, t.getChild(f.name)!])),
      input: vectorFromArray(['[1]', '{"a": ', '[3]'], new Utf8()),
    });
    await refuses(Buffer.from(tableToIPC(broken, 'stream')), ARROW, 400, /Row 1, column input: invalid input syntax for type json/);
    const nul = new Table({ ...Object.fromEntries(t.schema.fields.map((f) => [f.name, t.getChild(f.name)!])), prediction_id: vectorFromArray(['a', 'b\u0000c', 'd'], new Utf8()) });
    await refuses(Buffer.from(tableToIPC(nul, 'stream')), ARROW, 400, /Row 1, column id: .*0x00/);
    const long = rows(1, s.t.v2Only, { predictionId: 'x'.repeat(201) });
    await refuses(arrowBody(long), ARROW, 400, /Row 0: prediction_id must be 1 to 200 bytes/);
  });

  it('a 2 GB body: refused with 413 from its Content-Length, or as soon as a streamed body passes the limit', async () => {
    const url = new URL(`${app.url}/api/v1/predictions`);
    const send = (headers: Record<string, string | number>, chunks: number) =>
      new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
        const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': ARROW, ...headers } });
        let sent = 0;
        let answered = false;
        const chunk = Buffer.alloc(1024 * 1024, 1);
        req.on('response', (res) => {
          answered = true;
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => {
            resolve({ status: res.statusCode!, body, sent });
            req.destroy();
          });
        });
        req.on('error', (err) => (sent > 0 ? undefined : reject(err)));
        const pump = () => {
          while (sent < chunks && !answered) {
            sent++;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end();
        };
        pump();
      });
    const before = await stored();
    const declared = await send({ 'content-length': 2 * 1024 ** 3 }, 2048);
    assert.equal(declared.status, 413);
    assert.match(declared.body, /larger than 4194304 bytes/);
    assert.ok(declared.sent < 2048, `the client stopped early (${declared.sent} MiB sent)`);
    const streamed = await send({ 'transfer-encoding': 'chunked' }, 2048);
    assert.equal(streamed.status, 413);
    assert.ok(streamed.sent < 2048);
    assert.equal(await stored(), before);
    // still serving
    assert.equal((await app.post('/api/v1/predictions', arrowBody(rows(1, s.t.v2Only + 7 * HOUR)), ADMIN_KEY, ARROW)).status, 200);
  });

  it('a body that ends before its Content-Length (the client went away), and no bytes of one request in the next', async () => {
    const before = await stored();
    const body = arrowBody(rows(40, s.t.v2Only + 9 * HOUR));
    const url = new URL(`${app.url}/api/v1/predictions`);
    await new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': ARROW, 'content-length': body.length } });
      req.on('error', () => resolve());
      req.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => (req.destroy(), resolve()), 100));
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await stored(), before, 'nothing of the broken-off request stored');
    // Bodies and COPY streams reuse buffers: a large request, then a small one, each stores exactly its own rows.
    const large = rows(300, s.t.v2Only + 10 * HOUR, { input: ['large'] });
    const small = rows(2, s.t.v2Only + 11 * HOUR, { input: ['small'] });
    assert.equal((await app.post('/api/v1/predictions', arrowBody(large), ADMIN_KEY, ARROW)).status, 200);
    assert.equal((await app.post('/api/v1/predictions', arrowBody(small), ADMIN_KEY, ARROW)).status, 200);
    assert.equal(await stored(), before + 302);
    const got = await app.db.query<{ input: unknown }>(`SELECT input FROM prediction WHERE ts >= $1 ORDER BY ts`, [new Date(s.t.v2Only + 11 * HOUR)]);
    assert.deepEqual(got.map((r) => r.input), [['small'], ['small']]);
  });

  it('authenticates and authorizes like every route', async () => {
    const anonymous = await app.post('/api/v1/predictions', arrowBody(rows(1, s.t.v2Only)), null, ARROW);
    assert.equal(anonymous.status, 401);
    const reader = await issueKey(app, 'analyst', ['READER']);
    const res = await app.post('/api/v1/predictions', arrowBody(rows(1, s.t.v2Only)), reader, ARROW);
    assert.equal(res.status, 403);
    const q = await app.gql(`{ prediction(id: "nope") { id } }`, {}, null);
    assert.equal(codeOf(q), 'UNAUTHENTICATED');
  });
});

describe('prediction lookups', () => {
  it('finds UUIDv7, UUID-form and other ids, and says NOT_FOUND clearly', async () => {
    const plain = rows(1, s.t.v2Only + 8 * HOUR, { predictionId: 'order-12345/line-7' });
    const skewed = rows(1, s.t.v2Only + 8 * HOUR, { predictionId: uuidv7(Date.now() - 20 * DAY) }); // id time far from the timestamp
    await app.post('/api/v1/predictions', arrowBody([...plain, ...skewed], { dictionary: true }), ADMIN_KEY, ARROW);
    for (const r of [plain[0], skewed[0]]) {
      const d = await app.ok(`query($id: String!) { prediction(id: $id) { id modelVersion { urn } } }`, { id: r.predictionId });
      assert.deepEqual(d.prediction, { id: r.predictionId, modelVersion: { urn: s.v2 } });
    }
    // UUID ids are case-insensitive and come back in canonical (lowercase) form
    const upper = rows(1, s.t.v2Only + 9 * HOUR, { predictionId: uuidv7(s.t.v2Only).toUpperCase() });
    assert.equal((await app.post('/api/v1/predictions', arrowBody(upper), ADMIN_KEY, ARROW)).status, 200);
    for (const id of [upper[0].predictionId, upper[0].predictionId.toLowerCase()]) {
      const d = await app.ok(`query($id: String!) { prediction(id: $id) { id } }`, { id });
      assert.equal(d.prediction.id, upper[0].predictionId.toLowerCase());
    }
    const missing = await app.gql(`{ prediction(id: "${uuidv7(Date.now())}") { id } }`);
    assert.equal(codeOf(missing), 'NOT_FOUND');
    const tooLong = await app.gql(`query($id: String!) { prediction(id: $id) { id } }`, { id: 'x'.repeat(500) });
    assert.equal(codeOf(tooLong), 'BAD_USER_INPUT');
  });
});

describe('daily partitions', () => {
  const partitions = async () =>
    (await app.db.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'prediction'::regclass ORDER BY 1`,
    )).map((r) => r.name);
  const name = (ms: number) => `prediction_p${new Date(ms).toISOString().slice(0, 10).replace(/-/g, '')}`;

  it('exist ahead of time, are created on demand for back-filled days, and are dropped whole after retention', async () => {
    const names = await partitions();
    for (let d = 0; d <= 3; d++) assert.ok(names.includes(name(Date.now() + d * DAY)), `partition for today + ${d} exists: ${names}`);
    // a back-fill 50 days ago lands in a partition created for it
    const dep = (await app.ok(`mutation { registerDeployment(input: { name: "backfill-api" }) { urn } }`)).registerDeployment.urn;
    await app.ok(`mutation($i: ReviseDeploymentInput!) { reviseDeployment(input: $i) { urn } }`, {
      i: { deploymentUrn: dep, traffic: [{ modelVersionUrn: s.v1, trafficShare: 1 }], validFrom: new Date(Date.now() - 60 * DAY).toISOString() },
    });
    const old = Date.now() - 50 * DAY;
    const backfill = rows(3, old, { deployment: dep });
    assert.equal((await app.post('/api/v1/predictions', arrowBody(backfill), ADMIN_KEY, ARROW)).status, 200);
    assert.ok((await partitions()).includes(name(old)));

    // 45 days later (retention 90 days) that partition is past retention: dropped whole, counts kept
    const later = new PredictionPartitions(app.db, 90, 3, () => Date.now() + 45 * DAY);
    const countedBefore = await counted();
    const { dropped, created } = await later.maintain();
    assert.ok(dropped.includes(name(old)), JSON.stringify(dropped));
    assert.ok(created.includes(name(Date.now() + 48 * DAY)));
    assert.ok(!(await partitions()).includes(name(old)));
    const gone = await app.gql(`query($id: String!) { prediction(id: $id) { id } }`, { id: backfill[0].predictionId });
    assert.equal(codeOf(gone), 'NOT_FOUND');
    assert.match(gone.errors![0].message, /older than the retention period/);
    assert.equal(await counted(), countedBefore, 'the rollup outlives the rows');
    // recent rows are untouched
    assert.ok((await stored()) > 0);
  });
});
