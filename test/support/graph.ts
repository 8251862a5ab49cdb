/**
 * Random lineage graphs for property tests, and the reference answer: a plain in-memory breadth-first
 * search with the same meaning as the SQL walk. Graphs are written straight into `node` and `edge` (the
 * traversal is under test here, not registration, and hundreds of graphs must load in seconds).
 */
import { TestApp } from './harness';

export { rng } from './random';

export interface TestGraph {
  ids: string[];
  urns: string[];
  edges: { id: string; from: number; to: number; validFrom: Date; validTo: Date | null }[];
}


export async function insertGraph(
  app: TestApp,
  prefix: string,
  nodeCount: number,
  edges: { from: number; to: number; validFrom?: Date; validTo?: Date | null }[],
): Promise<TestGraph> {
  const urns = Array.from({ length: nodeCount }, (_, i) => `urn:pedigree:run:${prefix}-${i}`);
  const rows = await app.db.query<{ id: string; urn: string }>(
    `INSERT INTO node (kind, urn, name) SELECT CASE WHEN o % 2 = 0 THEN 'dataset_version' ELSE 'run' END, u, u
       FROM unnest($1::text[]) WITH ORDINALITY AS x(u, o) RETURNING id::text AS "id", urn`,
    [urns],
  );
  const idOf = new Map(rows.map((r) => [r.urn, r.id]));
  const ids = urns.map((u) => idOf.get(u)!);
  const clean = edges.filter((e) => e.from !== e.to);
  const inserted = clean.length
    ? await app.db.query<{ id: string }>(
        `INSERT INTO edge (from_node, to_node, kind, valid_from, valid_to)
         SELECT f, t, 'INPUT', COALESCE(vf, '2026-01-01'), vt FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::timestamptz[])
           WITH ORDINALITY AS x(f, t, vf, vt, o) ORDER BY o
         RETURNING id::text AS "id"`,
        [clean.map((e) => ids[e.from]), clean.map((e) => ids[e.to]), clean.map((e) => e.validFrom ?? null), clean.map((e) => e.validTo ?? null)],
      )
    : [];
  return {
    ids,
    urns,
    edges: clean.map((e, i) => ({ id: inserted[i].id, from: e.from, to: e.to, validFrom: e.validFrom ?? new Date('2026-01-01'), validTo: e.validTo ?? null })),
  };
}

/** A random graph with diamonds, cycles and fan-out: each node links to 0..maxOut random others. */
export function randomEdges(random: () => number, nodeCount: number, maxOut: number): { from: number; to: number }[] {
  const seen = new Set<string>();
  const out: { from: number; to: number }[] = [];
  for (let from = 0; from < nodeCount; from++) {
    const n = Math.floor(random() * (maxOut + 1));
    for (let k = 0; k < n; k++) {
      const to = Math.floor(random() * nodeCount);
      if (to === from || seen.has(`${from}>${to}`)) continue;
      seen.add(`${from}>${to}`);
      out.push({ from, to });
    }
  }
  return out;
}

export interface Reference {
  depthOf: Map<number, number>;
  edgeIds: Set<string>;
  deeper: boolean;
}

/** Breadth-first reference: node → shortest depth, edges walked from nodes nearer than maxDepth. */
export function referenceWalk(g: TestGraph, root: number, direction: 'up' | 'down', maxDepth: number, at?: Date): Reference {
  const valid = (e: TestGraph['edges'][number]) => (at ? e.validFrom <= at && (e.validTo === null || e.validTo > at) : e.validTo === null);
  const live = g.edges.filter(valid);
  const near = (e: TestGraph['edges'][number]) => (direction === 'up' ? e.to : e.from);
  const far = (e: TestGraph['edges'][number]) => (direction === 'up' ? e.from : e.to);
  const depthOf = new Map<number, number>([[root, 0]]);
  let frontier = [root];
  for (let d = 0; d < maxDepth && frontier.length; d++) {
    const next: number[] = [];
    for (const e of live) {
      if (!frontier.includes(near(e))) continue;
      if (!depthOf.has(far(e))) {
        depthOf.set(far(e), d + 1);
        next.push(far(e));
      }
    }
    frontier = next;
  }
  const edgeIds = new Set(live.filter((e) => depthOf.has(near(e)) && depthOf.get(near(e))! < maxDepth).map((e) => e.id));
  const deeper = live.some((e) => depthOf.get(near(e)) === maxDepth);
  return { depthOf, edgeIds, deeper };
}
