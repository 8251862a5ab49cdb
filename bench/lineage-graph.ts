/**
 * A realistic lineage graph generator. Local structure does not depend on the total size, so the same
 * 10-hop question has the same answer size at 10k, 100k and 1M nodes:
 * - daily pipelines: each pipeline's next dataset version is written by a run that reads the previous
 *   version plus up to two recent other versions (deep chains, ~200 versions at every scale; diamonds);
 * - reporting / evaluation runs read 5–10 recent versions and write nothing (wide downstream, no upstream);
 * - training runs read 2–4 recent dataset versions and a code version (sometimes the model's previous
 *   version: fine-tuning) and write a model version; a third of model versions replace the one serving
 *   from their model's deployment (earlier SERVES edges are closed: history, not the current graph);
 * - batch inference runs read a model version and a dataset version and write a dataset version that later
 *   pipelines read (models upstream of data);
 * - a few back edges make cycles; one raw version feeds 10,000 runs (the wide node).
 */
import { from as copyFrom } from 'pg-copy-streams';
import { Client } from 'pg';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { rng } from '../test/support/random';

export interface GeneratedGraph {
  kinds: string[];
  from: number[];
  to: number[];
  edgeKind: string[];
  /** Edges that are no longer current (replaced deployment revisions). */
  closed: Set<number>;
  deployments: number[];
  modelVersions: number[];
  wide: number;
}

/** How far back (in dataset versions) a run reads: small enough that 10 hops never run out of history. */
const RECENT = 300;


export function generateGraph(totalNodes: number, seed = 42): GeneratedGraph {
  const random = rng(seed);
  const g: GeneratedGraph = { kinds: [], from: [], to: [], edgeKind: [], closed: new Set(), deployments: [], modelVersions: [], wide: -1 };
  const node = (kind: string) => g.kinds.push(kind) - 1;
  const seen = new Set<number>();
  const KINDS = ['INPUT', 'OUTPUT', 'CODE', 'SERVES'];
  const edge = (f: number, t: number, kind: string) => {
    const key = (f * 2_097_152 + t) * 4 + KINDS.indexOf(kind);
    if (f === t || seen.has(key)) return; // one open edge per (from, to, kind), as the schema requires
    seen.add(key);
    g.from.push(f);
    g.to.push(t);
    g.edgeKind.push(kind);
  };
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const recent = (xs: number[], window: number) => xs[xs.length - 1 - Math.floor(random() * Math.min(window, xs.length))];

  const wideFanOut = totalNodes >= 100_000 ? 10_000 : Math.floor(totalNodes / 10);
  const codes = Array.from({ length: Math.max(10, Math.floor(totalNodes * 0.02)) }, () => node('code_version'));
  const versions = Array.from({ length: Math.max(20, Math.floor(totalNodes * 0.02)) }, () => node('dataset_version'));
  g.wide = versions[0];
  for (let i = 0; i < wideFanOut; i++) edge(g.wide, node('run'), 'INPUT');
  const chains = Math.max(5, Math.floor(totalNodes / 500));
  const heads: number[] = Array.from({ length: chains }, () => pick(versions));
  const chainRuns: number[][] = Array.from({ length: chains }, () => []);
  const models: number[][] = Array.from({ length: Math.max(2, Math.floor(totalNodes / 2000)) }, () => []);
  const deploymentsOf: number[] = models.map(() => node('deployment'));
  const servingEdge: number[] = models.map(() => -1);
  g.deployments.push(...deploymentsOf);

  while (g.kinds.length < totalNodes) {
    const roll = random();
    if (roll < 0.9) {
      // A pipeline step: next version of one chain.
      const c = Math.floor(random() * chains);
      const run = node('run');
      edge(heads[c], run, 'INPUT');
      for (let k = 0, n = Math.floor(random() * 3); k < n; k++) edge(recent(versions, RECENT), run, 'INPUT');
      edge(pick(codes), run, 'CODE');
      const out = node('dataset_version');
      edge(run, out, 'OUTPUT');
      versions.push(out);
      heads[c] = out;
      chainRuns[c].push(run);
      if (chainRuns[c].length > 10) chainRuns[c].shift();
      // Rarely, a version feeds back into a run a few steps earlier in its own chain: a cycle.
      if (random() < 0.001 && chainRuns[c].length > 3) edge(out, chainRuns[c][0], 'INPUT');
      // Reporting and evaluation runs read many recent versions and write nothing lineage follows.
      if (random() < 0.5) {
        const report = node('run');
        for (let k = 0, n = 5 + Math.floor(random() * 6); k < n; k++) edge(recent(versions, RECENT), report, 'INPUT');
      }
    } else if (roll < 0.97) {
      // Training: several recent versions (+ code, + the previous model version sometimes) → model version.
      const m = Math.floor(random() * models.length);
      const run = node('run');
      for (let k = 0, n = 2 + Math.floor(random() * 3); k < n; k++) edge(recent(versions, RECENT), run, 'INPUT');
      edge(pick(codes), run, 'CODE');
      if (models[m].length && random() < 0.3) edge(models[m][models[m].length - 1], run, 'INPUT');
      const mv = node('model_version');
      edge(run, mv, 'OUTPUT');
      models[m].push(mv);
      g.modelVersions.push(mv);
      if (random() < 0.33) {
        // A new revision: the new version serves, the one before stops (its SERVES edge closes).
        if (servingEdge[m] >= 0) g.closed.add(servingEdge[m]);
        edge(mv, deploymentsOf[m], 'SERVES');
        servingEdge[m] = g.from.length - 1;
      }
    } else if (g.modelVersions.length) {
      // Batch inference: a model version scores a dataset version into a new dataset version.
      const run = node('run');
      edge(recent(g.modelVersions, 200), run, 'INPUT');
      edge(recent(versions, RECENT), run, 'INPUT');
      const out = node('dataset_version');
      edge(run, out, 'OUTPUT');
      versions.push(out);
    }
  }
  return g;
}

async function copy(client: Client, sql: string, lines: Iterable<string>): Promise<void> {
  async function* chunks() {
    let buf: string[] = [];
    for (const line of lines) {
      buf.push(line);
      if (buf.length >= 10_000) {
        yield buf.join('');
        buf = [];
      }
    }
    if (buf.length) yield buf.join('');
  }
  await pipeline(Readable.from(chunks()), client.query(copyFrom(sql)));
}

/** Loads the graph with COPY into an empty database; returns the node id of every generated node index. */
export async function loadGraph(url: string, g: GeneratedGraph, label: string): Promise<(i: number) => string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await copy(client, `COPY node (kind, urn, name) FROM STDIN`, (function* () {
      for (let i = 0; i < g.kinds.length; i++) {
        const name = `${label}-${g.kinds[i]}-${i}`;
        yield `${g.kinds[i]}\turn:pedigree:${g.kinds[i] === 'dataset_version' ? 'dataset' : g.kinds[i] === 'model_version' ? 'model' : g.kinds[i] === 'code_version' ? 'code' : g.kinds[i]}:${name}@${i}\t${name}\n`;
      }
    })());
    const [{ min, max }] = (await client.query(`SELECT min(id)::text AS min, max(id)::text AS max FROM node`)).rows;
    const base = Number(min);
    if (Number(max) - base + 1 !== g.kinds.length) throw new Error('node ids are not contiguous; load into an empty database');
    const id = (i: number) => String(base + i);
    await copy(client, `COPY edge (from_node, to_node, kind, valid_from, valid_to) FROM STDIN`, (function* () {
      for (let i = 0; i < g.from.length; i++) {
        const validTo = g.closed.has(i) ? '2026-06-01 00:00:00+00' : '\\N';
        yield `${base + g.from[i]}\t${base + g.to[i]}\t${g.edgeKind[i]}\t2026-01-01 00:00:00+00\t${validTo}\n`;
      }
    })());
    // As a catalog in service would be: vacuumed (the visibility map lets the walk's index-only scans skip
    // the heap) and analyzed.
    await client.query('VACUUM (ANALYZE) node');
    await client.query('VACUUM (ANALYZE) edge');
    return id;
  } finally {
    await client.end();
  }
}
