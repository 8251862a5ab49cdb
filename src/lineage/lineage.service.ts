/**
 * Lineage: owns the `edge` and `column_lineage` tables. Other domains record edges through this service
 * inside their own transaction (so an entity and its lineage commit together) and read current edges in
 * batches. Answers lineage, path and column-lineage questions; every walk is bounded in SQL.
 */
import { Injectable } from '@nestjs/common';
import { Db, Sql } from '../platform/database/db';
import { InvalidInputError, NotFoundError } from '../platform/errors/errors';
import { NodeKind } from '../platform/graph/node-kind';
import { parseUrn } from '../platform/graph/urn';
import { EdgeRepository } from './edge.repository';
import { EdgeKind, EdgeRow, NewEdge } from './edge.types';
import {
  ColumnLineageArgs, ColumnLineageGraph, LineageDirection, LineageEdge, LineageGraph, LineageNode, LineagePaths, TruncationReason,
} from './lineage.types';
import { ColumnLineageRepository, ColumnLink } from './column-lineage.repository';
import { NodeLabel, SpineRepository, TraversalRepository, WalkDirection, WalkEdge } from './traversal.repository';
import type { AccessAttributes } from '../platform/auth/access-scope';
import { shortestPaths } from './shortest-paths';

/** Whether the caller may read a node (absent: every node is readable, no lookup needed). */
export type Visibility = (node: AccessAttributes) => boolean;

export interface LineageQuery {
  urn: string;
  direction: LineageDirection;
  depth: number;
  limit: number;
  asOf?: Date;
  kinds?: NodeKind[];
  visible?: Visibility;
}

function toEdge(e: WalkEdge, urnOf: Map<string, string | null>): LineageEdge {
  return {
    id: e.id,
    from: urnOf.get(e.fromId) ?? null,
    to: urnOf.get(e.toId) ?? null,
    fromId: e.fromId,
    toId: e.toId,
    kind: e.kind as EdgeKind,
    validFrom: e.validFrom,
    validTo: e.validTo,
  };
}

const byUrn = (a: LineageNode, b: LineageNode) => {
  const x = a.urn ?? '\uffff';
  const y = b.urn ?? '\uffff';
  return x < y ? -1 : x > y ? 1 : 0;
};

@Injectable()
export class LineageService {
  private readonly edges = new EdgeRepository();
  private readonly traversal = new TraversalRepository();
  private readonly spine = new SpineRepository();
  private readonly columns = new ColumnLineageRepository();

  constructor(private readonly db: Db) {}

  openEdges(tx: Sql, edges: readonly NewEdge[]): Promise<number> {
    return this.edges.open(tx, edges);
  }

  closeEdges(tx: Sql, edges: readonly { fromId: string; toId: string; kind: EdgeKind }[], validTo: Date): Promise<number> {
    return this.edges.close(tx, edges, validTo);
  }

  /**
   * Dates the open edges of runs by the runs' best-known times: inputs and code from `inputFrom`, outputs
   * from `outputFrom` (absent = leave as recorded). Events about one run may arrive in any order; re-dating
   * after every merge makes the final edge times depend only on the final run times.
   */
  redateRunEdges(tx: Sql, runs: readonly { runId: string; inputFrom?: Date; outputFrom?: Date }[]): Promise<number> {
    return this.edges.redateRunEdges(tx, runs);
  }

  /** Distinct targets of `kind` edges leaving `fromIds`: current edges, or those that appeared since `since`. */
  edgeTargets(fromIds: readonly string[], kind: EdgeKind, since?: Date): Promise<{ fromId: string; toId: string }[]> {
    return this.edges.targets(this.db, fromIds, kind, since);
  }

  /** See EdgeRepository.distinctTargetCounts (search usage signals). */
  distinctTargetCounts(ids: readonly string[], of: 'self' | 'children', kind: EdgeKind, since?: Date): Promise<Map<string, number>> {
    return this.edges.distinctTargetCounts(this.db, ids, of, kind, since);
  }

  currentEdges(ids: readonly string[], direction: 'in' | 'out'): Promise<Map<string, EdgeRow[]>> {
    return this.edges.current(this.db, ids, direction);
  }

  /** Records column derivations of a run (inside the caller's transaction). */
  recordColumnLineage(tx: Sql, links: ColumnLink[]): Promise<void> {
    return this.columns.record(tx, links);
  }

  /** Follows column derivations from one column of a dataset version. */
  async columnLineage(args: ColumnLineageArgs, visible?: Visibility): Promise<ColumnLineageGraph> {
    const start = await this.start(args.datasetVersionUrn, 'datasetVersionUrn');
    if (start.kind !== NodeKind.DATASET_VERSION) {
      throw new InvalidInputError(`datasetVersionUrn ${args.datasetVersionUrn} is a ${start.kind}; column lineage starts at a dataset version.`);
    }
    const dirs: WalkDirection[] = [];
    if (args.direction !== LineageDirection.DOWNSTREAM) dirs.push('up');
    if (args.direction !== LineageDirection.UPSTREAM) dirs.push('down');
    const walks = await Promise.all(dirs.map((d) => this.columns.walk(this.db, start.id, args.column, d, args.depth, args.limit)));
    const columns = new Map<string, { urn: string; column: string; depth: number }>();
    const edges = new Map<string, ColumnLineageGraph['edges'][number]>();
    const reasons = new Set<TruncationReason>();
    for (const w of walks) {
      for (const n of w.nodes) {
        const key = `${n.urn}\u0000${n.column}`;
        if (!columns.has(key) || columns.get(key)!.depth > n.depth) columns.set(key, n);
      }
      for (const e of w.edges) {
        edges.set(e.id, { id: e.id, from: { urn: e.fromUrn, column: e.fromColumn }, to: { urn: e.toUrn, column: e.toColumn }, run: e.runUrn, transformation: e.transformation });
      }
      if (w.more) reasons.add(TruncationReason.LIMIT);
      if (w.deeper) reasons.add(TruncationReason.DEPTH);
    }
    const sorted = [...columns.values()].sort((a, b) => a.depth - b.depth || a.urn.localeCompare(b.urn) || a.column.localeCompare(b.column));
    const hidden = await this.hiddenUrns([...sorted.map((c) => c.urn), ...[...edges.values()].map((e) => e.run!)], visible);
    const ref = <T extends { urn: string | null; column: string | null }>(c: T): T => (hidden.has(c.urn!) ? { ...c, urn: null, column: null } : c);
    return {
      root: { urn: start.urn, column: args.column },
      columns: sorted.map(ref),
      edges: [...edges.values()].map((e) => ({ ...e, from: ref(e.from), to: ref(e.to), run: hidden.has(e.run!) ? null : e.run })),
      truncated: reasons.size > 0,
      truncationReasons: [...reasons].sort(),
    };
  }

  /** Walks up to `depth` hops up and/or down from `urn` (a dataset or model: from all its versions). */
  async lineage(q: LineageQuery): Promise<LineageGraph> {
    parseUrn('urn', q.urn);
    const walks: [LineageDirection, WalkDirection][] = [];
    if (q.direction !== LineageDirection.DOWNSTREAM) walks.push([LineageDirection.UPSTREAM, 'up']);
    if (q.direction !== LineageDirection.UPSTREAM) walks.push([LineageDirection.DOWNSTREAM, 'down']);
    const results = await Promise.all(
      walks.map(([, direction]) => this.traversal.walk(this.db, { urn: q.urn, direction, depth: q.depth, limit: q.limit, asOf: q.asOf })),
    );
    const start = results[0].start;
    if (!start) throw new NotFoundError(`Nothing in the catalog has URN ${q.urn}.`);
    const rootNode: LineageNode = { ...start, kind: start.kind as NodeKind, direction: LineageDirection.BOTH, redacted: false };
    const nodes = new Map<string, LineageNode>([[start.id, rootNode]]);
    const edges = new Map<string, WalkEdge>();
    const reasons = new Set<TruncationReason>();
    results.forEach((r, i) => {
      for (const n of r.nodes) {
        const seen = nodes.get(n.id);
        const direction = n.depth === 0 ? LineageDirection.BOTH : walks[i][0];
        if (!seen || n.depth < seen.depth) nodes.set(n.id, { ...n, kind: n.kind as NodeKind, direction, redacted: false });
      }
      for (const e of r.edges) edges.set(e.id, e);
      if (r.limitReached) reasons.add(TruncationReason.LIMIT);
      if (r.depthReached) reasons.add(TruncationReason.DEPTH);
    });
    await this.redact(nodes.values(), q.visible);
    const urnOf = new Map<string, string | null>();
    for (const n of nodes.values()) urnOf.set(n.id, n.urn);
    const kinds = q.kinds?.length ? new Set<string>(q.kinds) : undefined;
    const kept = kinds ? [...nodes.values()].filter((n) => n.id === start.id || kinds.has(n.kind)) : [...nodes.values()];
    const keptIds = kinds ? new Set(kept.map((n) => n.id)) : undefined;
    return {
      root: rootNode,
      nodes: kept.sort((a, b) => a.depth - b.depth || byUrn(a, b)),
      edges: [...edges.values()].filter((e) => !keptIds || (keptIds.has(e.fromId) && keptIds.has(e.toId))).map((e) => toEdge(e, urnOf)),
      truncated: reasons.size > 0,
      truncationReasons: [...reasons].sort(),
    };
  }

  /** Shortest paths along the direction of data flow, from → to or, failing that, to → from. */
  async path(fromUrn: string, toUrn: string, maxDepth: number, asOf?: Date, visible?: Visibility): Promise<LineagePaths> {
    const [from, to] = await Promise.all([this.start(fromUrn, 'fromUrn'), this.start(toUrn, 'toUrn')]);
    let found = await shortestPaths(this.edges, this.db, from.id, to.id, maxDepth, asOf);
    if (!found.paths.length && !found.truncated && from.id !== to.id) {
      found = await shortestPaths(this.edges, this.db, to.id, from.id, maxDepth, asOf);
    }
    const ids = [...new Set(found.paths.flat())];
    const labels = await this.spine.labels(this.db, ids);
    const shown = new Map<string, LineageNode>(
      [...labels.values()].map((l) => [l.id, { id: l.id, kind: l.kind as NodeKind, urn: l.urn, name: l.name, depth: 0, direction: LineageDirection.DOWNSTREAM, redacted: false }]),
    );
    await this.redact(shown.values(), visible);
    const node = (id: string, depth: number): LineageNode => ({ ...shown.get(id)!, depth });
    const urnOf = new Map([...shown.values()].map((l) => [l.id, l.urn]));
    return {
      paths: found.paths.map((p) => p.map((id, i) => node(id, i))),
      edges: found.edges.map((e) => toEdge(e, urnOf)),
      truncated: found.truncated,
    };
  }

  /** What access policies test, for the node with this URN (undefined when there is none). */
  async accessAttributes(urn: string): Promise<AccessAttributes | undefined> {
    return (await this.spine.accessAttributesByUrn(this.db, [urn])).get(urn);
  }

  /** Which of these URNs the caller may not read. */
  private async hiddenUrns(urns: string[], visible: Visibility | undefined): Promise<Set<string>> {
    if (!visible) return new Set();
    const attributes = await this.spine.accessAttributesByUrn(this.db, [...new Set(urns)]);
    return new Set(urns.filter((u) => !attributes.has(u) || !visible(attributes.get(u)!)));
  }

  /** Blanks the URN and name of every node the caller may not read (kind and id stay: the graph stays true). */
  private async redact(nodes: Iterable<LineageNode>, visible: Visibility | undefined): Promise<void> {
    if (!visible) return;
    const list = [...nodes];
    const attributes = await this.spine.accessAttributes(this.db, list.map((n) => n.id));
    for (const n of list) {
      const a = attributes.get(n.id);
      if (a && visible(a)) continue;
      n.urn = null;
      n.name = null;
      n.redacted = true;
    }
  }

  private async start(urn: string, field = 'urn'): Promise<NodeLabel> {
    parseUrn(field, urn);
    const node = await this.spine.byUrn(this.db, urn);
    if (!node) throw new NotFoundError(`Nothing in the catalog has URN ${urn}.`);
    return node;
  }
}
