import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, TestApp } from './support/harness';
import { insertGraph, randomEdges, referenceWalk, rng } from './support/graph';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(async () => app?.close());

const LINEAGE = `query($urn: String!, $direction: LineageDirection, $depth: Int, $limit: Int, $asOf: DateTime) {
  lineage(urn: $urn, direction: $direction, depth: $depth, limit: $limit, asOf: $asOf) {
    root { urn } nodes { urn depth } edges { id from to } truncated truncationReasons } }`;

describe('lineage against a breadth-first reference on random graphs', () => {
  it('returns exactly the reference nodes, depths and edges, and says when depth cut the answer (60 seeds)', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const random = rng(seed);
      const nodeCount = 5 + Math.floor(random() * 40);
      const g = await insertGraph(app, `p${seed}`, nodeCount, randomEdges(random, nodeCount, 1 + Math.floor(random() * 3)));
      for (let probe = 0; probe < 3; probe++) {
        const root = Math.floor(random() * nodeCount);
        const direction = random() < 0.5 ? 'up' : 'down';
        const depth = 1 + Math.floor(random() * 6);
        const ref = referenceWalk(g, root, direction, depth);
        const d = await app.ok(LINEAGE, { urn: g.urns[root], direction: direction === 'up' ? 'UPSTREAM' : 'DOWNSTREAM', depth, limit: 10_000 });
        const label = `seed ${seed} root ${root} ${direction} depth ${depth}`;
        const got = new Map<string, number>(d.lineage.nodes.map((n: any) => [n.urn, n.depth]));
        const want = new Map([...ref.depthOf].map(([i, dep]) => [g.urns[i], dep]));
        assert.deepEqual(got, want, label);
        assert.equal(d.lineage.nodes.length, got.size, `${label}: each node once`);
        assert.deepEqual(new Set(d.lineage.edges.map((e: any) => e.id)), ref.edgeIds, label);
        assert.equal(d.lineage.edges.length, ref.edgeIds.size, `${label}: each edge once`);
        assert.deepEqual(d.lineage.truncationReasons, ref.deeper ? ['DEPTH'] : [], label);
        assert.equal(d.lineage.truncated, ref.deeper, label);
      }
    }
  });

  it('under a small limit returns a breadth-first prefix with true depths and says LIMIT (30 seeds)', async () => {
    for (let seed = 100; seed < 130; seed++) {
      const random = rng(seed);
      const nodeCount = 30 + Math.floor(random() * 30);
      const g = await insertGraph(app, `l${seed}`, nodeCount, randomEdges(random, nodeCount, 4));
      const root = Math.floor(random() * nodeCount);
      const ref = referenceWalk(g, root, 'down', 8);
      const limit = 1 + Math.floor(random() * 10);
      const d = await app.ok(LINEAGE, { urn: g.urns[root], direction: 'DOWNSTREAM', depth: 8, limit });
      const label = `seed ${seed} limit ${limit} of ${ref.edgeIds.size}`;
      assert.ok(d.lineage.edges.length <= limit, label);
      for (const n of d.lineage.nodes) assert.equal(n.depth, ref.depthOf.get(g.urns.indexOf(n.urn)), `${label}: ${n.urn}`);
      for (const e of d.lineage.edges) assert.ok(ref.edgeIds.has(e.id), label);
      const cut = ref.edgeIds.size > limit;
      assert.equal(d.lineage.truncationReasons.includes('LIMIT'), cut, label);
      if (!cut) assert.equal(d.lineage.edges.length, ref.edgeIds.size, label);
    }
  });

  it('answers as of a time from edge validity (30 seeds)', async () => {
    const times = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01'].map((t) => new Date(`${t}T00:00:00Z`));
    for (let seed = 200; seed < 230; seed++) {
      const random = rng(seed);
      const nodeCount = 10 + Math.floor(random() * 20);
      const edges = randomEdges(random, nodeCount, 3).map((e) => {
        const from = Math.floor(random() * 3);
        const closes = random() < 0.4 ? times[from + 1 + Math.floor(random() * (3 - from))] : null;
        return { ...e, validFrom: times[from], validTo: closes };
      });
      const g = await insertGraph(app, `t${seed}`, nodeCount, edges);
      const root = Math.floor(random() * nodeCount);
      const at = new Date(times[Math.floor(random() * 4)].getTime() + 86_400_000);
      const ref = referenceWalk(g, root, 'up', 5, at);
      const d = await app.ok(LINEAGE, { urn: g.urns[root], direction: 'UPSTREAM', depth: 5, limit: 10_000, asOf: at.toISOString() });
      assert.deepEqual(new Set(d.lineage.edges.map((e: any) => e.id)), ref.edgeIds, `seed ${seed} at ${at.toISOString()}`);
      assert.deepEqual(new Set(d.lineage.nodes.map((n: any) => n.urn)), new Set([...ref.depthOf.keys()].map((i) => g.urns[i])));
    }
  });
});

describe('lineage on graph shapes from the wild', () => {
  it('terminates on a cycle and returns each node once', async () => {
    const g = await insertGraph(app, 'cycle', 4, [{ from: 0, to: 1 }, { from: 1, to: 2 }, { from: 2, to: 3 }, { from: 3, to: 0 }]);
    const d = await app.ok(LINEAGE, { urn: g.urns[0], direction: 'DOWNSTREAM', depth: 50, limit: 10_000 });
    assert.deepEqual(d.lineage.nodes.map((n: any) => [n.urn, n.depth]), g.urns.map((u, i) => [u, i]));
    assert.equal(d.lineage.edges.length, 4);
    assert.equal(d.lineage.truncated, false);
  });

  it('cuts a 365-deep chain at the requested depth and says DEPTH', async () => {
    const g = await insertGraph(app, 'chain', 366, Array.from({ length: 365 }, (_, i) => ({ from: i, to: i + 1 })));
    const d = await app.ok(LINEAGE, { urn: g.urns[365], direction: 'UPSTREAM', depth: 50, limit: 10_000 });
    assert.equal(d.lineage.nodes.length, 51);
    assert.equal(d.lineage.edges.length, 50);
    assert.deepEqual(d.lineage.truncationReasons, ['DEPTH']);
    const end = await app.ok(LINEAGE, { urn: g.urns[20], direction: 'UPSTREAM', depth: 50, limit: 10_000 });
    assert.equal(end.lineage.nodes.length, 21);
    assert.equal(end.lineage.truncated, false);
  });

  it('bounds a 10,000-wide fan-out by the limit and says LIMIT', async () => {
    const g = await insertGraph(app, 'wide', 10_001, Array.from({ length: 10_000 }, (_, i) => ({ from: 0, to: i + 1 })));
    const d = await app.ok(LINEAGE, { urn: g.urns[0], direction: 'DOWNSTREAM', depth: 3, limit: 1000 });
    assert.equal(d.lineage.edges.length, 1000);
    assert.equal(d.lineage.nodes.length, 1001);
    assert.deepEqual(d.lineage.truncationReasons, ['LIMIT']);
  });

  it('answers a node with no lineage with just itself', async () => {
    const g = await insertGraph(app, 'alone', 1, []);
    const d = await app.ok(LINEAGE, { urn: g.urns[0], direction: 'BOTH', depth: 50, limit: 10_000 });
    assert.deepEqual(d.lineage.nodes, [{ urn: g.urns[0], depth: 0 }]);
    assert.deepEqual(d.lineage.edges, []);
    assert.equal(d.lineage.truncated, false);
  });
});
