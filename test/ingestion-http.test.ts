import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, TestApp } from './support/harness';
import { olEvent, schemaFacet, uuid } from './support/events';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(async () => app?.close());

const RUN = `query($urn: String!) { run(urn: $urn) { urn name status startedAt endedAt runKind params properties } }`;

describe('POST /api/v1/lineage (OpenLineage, as Marquez accepts it)', () => {
  it('maps START + COMPLETE onto a run, dataset versions with columns, edges, column lineage, job and code', async () => {
    const runId = uuid();
    const job = {
      namespace: 'airflow',
      name: 'orders.daily_load',
      facets: {
        sourceCodeLocation: { _producer: 't', _schemaURL: 'u', type: 'git', url: 'https://github.com/acme/etl', version: 'ABCDEF1234567', path: 'dags/orders.py' },
        sql: { _producer: 't', _schemaURL: 'u', query: 'INSERT INTO orders_daily SELECT * FROM orders' },
        ownership: { _producer: 't', _schemaURL: 'u', owners: [{ name: 'team:orders' }] },
      },
    };
    const input = { namespace: 'postgres://db:5432', name: 'shop.orders', facets: schemaFacet([['id', 'int'], ['amount', 'numeric']]) };
    const output = {
      namespace: 'postgres://db:5432',
      name: 'shop.orders_daily',
      facets: {
        ...schemaFacet([['day', 'date'], ['total', 'numeric']]),
        columnLineage: {
          _producer: 't', _schemaURL: 'u',
          fields: { total: { inputFields: [{ namespace: 'postgres://db:5432', name: 'shop.orders', field: 'amount', transformations: [{ type: 'INDIRECT', subtype: 'AGGREGATION' }] }] } },
        },
        myCustomFacet: { _producer: 't', _schemaURL: 'u', anything: [1, 2, 3] },
      },
      outputFacets: { outputStatistics: { _producer: 't', _schemaURL: 'u', rowCount: 31, size: 4096 } },
    };
    const start = await app.post('/api/v1/lineage', olEvent({ runId, eventType: 'START', eventTime: '2026-03-01T10:00:00Z', job, inputs: [input], outputs: [output] }));
    assert.equal(start.status, 201, start.text);
    const complete = await app.post('/api/v1/lineage', olEvent({ runId, eventType: 'COMPLETE', eventTime: '2026-03-01T10:05:00Z', job, inputs: [input], outputs: [output] }));
    assert.equal(complete.status, 201, complete.text);

    const { run } = await app.ok(RUN, { urn: `urn:pedigree:run:${runId}` });
    assert.equal(run.status, 'COMPLETED');
    assert.equal(run.startedAt, '2026-03-01T10:00:00.000Z');
    assert.equal(run.endedAt, '2026-03-01T10:05:00.000Z');
    assert.equal(run.name, 'orders.daily_load');
    assert.equal(run.params.sql, 'INSERT INTO orders_daily SELECT * FROM orders');
    assert.deepEqual(run.properties['openlineage:ownership'].owners, [{ name: 'team:orders' }], 'unknown job facets are kept');

    const versionUrn = 'urn:pedigree:dataset:postgres://db:5432/shop.orders_daily@1';
    const { datasetVersion } = await app.ok(
      `query($urn: String!) { datasetVersion(urn: $urn) { columns { name type } statistics { rowCount bytes } properties } }`,
      { urn: versionUrn },
    );
    assert.deepEqual(datasetVersion.columns.map((c: any) => c.name), ['day', 'total']);
    assert.deepEqual(datasetVersion.statistics, { rowCount: 31, bytes: 4096 });
    assert.deepEqual(datasetVersion.properties['openlineage:myCustomFacet'].anything, [1, 2, 3], 'unknown dataset facets are kept');

    const { lineage } = await app.ok(
      `query($urn: String!) { lineage(urn: $urn, direction: UPSTREAM, depth: 3) { nodes { urn kind } edges { from to kind validFrom } } }`,
      { urn: versionUrn },
    );
    const short = (urn: string) => urn.replace(/^urn:pedigree:[a-z_]+:/, '');
    const edges = lineage.edges.map((e: any) => `${e.kind} ${short(e.from)} -> ${short(e.to)} @${e.validFrom}`).sort();
    assert.deepEqual(edges, [
      `CODE https://github.com/acme/etl#dags/orders.py@abcdef1234567 -> ${runId} @2026-03-01T10:00:00.000Z`,
      `INPUT postgres://db:5432/shop.orders@1 -> ${runId} @2026-03-01T10:00:00.000Z`,
      `OUTPUT ${runId} -> postgres://db:5432/shop.orders_daily@1 @2026-03-01T10:05:00.000Z`,
    ]);
    const { columnLineage } = await app.ok(
      `query($urn: String!) { columnLineage(datasetVersionUrn: $urn, column: "total", direction: UPSTREAM, depth: 2) { columns { urn column } edges { transformation } } }`,
      { urn: versionUrn },
    );
    assert.deepEqual(columnLineage.columns.map((c: any) => `${c.urn.split('/').pop()}.${c.column}`).sort(), ['shop.orders@1.amount', 'shop.orders_daily@1.total']);
    assert.equal(columnLineage.edges[0].transformation, 'INDIRECT AGGREGATION');
    const { context } = await app.ok(`query { context(urn: "urn:pedigree:context:pipeline/airflow/orders.daily_load") { name members { urn } } }`);
    assert.deepEqual(context.members.map((m: any) => m.urn), [`urn:pedigree:run:${runId}`]);
  });

  it('fills what a stored input version lacks from later reads, and nothing else', async () => {
    const ns = 'postgres://db:5432';
    const name = `shop.raw_${uuid().slice(0, 8)}`;
    const read = async (facets: Record<string, unknown>) => {
      const res = await app.post('/api/v1/lineage', olEvent({ runId: uuid(), eventType: 'COMPLETE', eventTime: '2026-03-02T10:00:00Z', inputs: [{ namespace: ns, name, facets }] }));
      assert.equal(res.status, 201, res.text);
    };
    const VERSION = `query($urn: String!, $dataset: String!) { datasetVersion(urn: $urn) { columns { name type } properties } dataset(urn: $dataset) { latestVersion { version } } }`;
    const vars = { urn: `urn:pedigree:dataset:${ns}/${name}@1`, dataset: `urn:pedigree:dataset:${ns}/${name}` };
    await read({});
    let got = await app.ok(VERSION, vars);
    assert.deepEqual(got.datasetVersion.columns, [], 'a first read without a schema makes a version without columns');
    await read(schemaFacet([['id', 'bigint']]));
    got = await app.ok(VERSION, vars);
    assert.deepEqual(got.datasetVersion.columns, [{ name: 'id', type: 'bigint' }], 'a later read brings the columns it lacked');
    await read({ ...schemaFacet([['other', 'text']]), qualityNote: { _producer: 't', _schemaURL: 'u', note: 'checked' } });
    got = await app.ok(VERSION, vars);
    assert.deepEqual(got.datasetVersion.columns, [{ name: 'id', type: 'bigint' }], 'columns once known are not replaced by a read');
    assert.equal(got.datasetVersion.properties['openlineage:qualityNote'].note, 'checked', 'new facets merge into the version');
    assert.equal(got.dataset.latestVersion.version, 1, 'reads never create versions of a dataset that has one');
  });
});
