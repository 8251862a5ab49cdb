/**
 * Shortest lineage paths by breadth-first search, one SQL step per level, keeping every predecessor on a
 * shortest route so that all shortest paths (of a diamond, say) come back, up to MAX_PATHS.
 */
import { Sql } from '../platform/database/db';
import { EdgeRepository } from './edge.repository';
import { WalkEdge } from './traversal.repository';

export const MAX_PATHS = 100;
/** Nodes a path search may visit before it gives up and says so. */
export const PATH_NODE_BUDGET = 100_000;

export interface FoundPaths {
  paths: string[][];
  edges: WalkEdge[];
  truncated: boolean;
}

export async function shortestPaths(
  edges: EdgeRepository,
  sql: Sql,
  fromId: string,
  toId: string,
  maxDepth: number,
  asOf?: Date,
): Promise<FoundPaths> {
  if (fromId === toId) return { paths: [[fromId]], edges: [], truncated: false };
  const level = new Map<string, number>([[fromId, 0]]);
  const parents = new Map<string, WalkEdge[]>();
  let frontier = [fromId];
  let truncated = false;
  for (let depth = 1; depth <= maxDepth && frontier.length && !level.has(toId); depth++) {
    const budget = PATH_NODE_BUDGET - level.size;
    const step = await edges.step(sql, frontier, 'down', budget + 1, asOf);
    if (step.length > budget) truncated = true;
    const next: string[] = [];
    for (const e of step.slice(0, budget)) {
      const seenAt = level.get(e.toId);
      if (seenAt === undefined) {
        level.set(e.toId, depth);
        next.push(e.toId);
      }
      if (seenAt === undefined || seenAt === depth) parents.set(e.toId, [...(parents.get(e.toId) ?? []), e]);
    }
    frontier = next;
    if (truncated) break;
  }
  if (!level.has(toId)) return { paths: [], edges: [], truncated };
  const paths: string[][] = [];
  const used = new Map<string, WalkEdge>();
  const walkBack = (id: string, suffix: string[]): void => {
    if (paths.length >= MAX_PATHS) return;
    if (id === fromId) {
      paths.push([fromId, ...suffix]);
      return;
    }
    for (const e of parents.get(id) ?? []) {
      if (level.get(e.fromId) !== level.get(id)! - 1) continue;
      used.set(e.id, e);
      walkBack(e.fromId, [id, ...suffix]);
    }
  };
  walkBack(toId, []);
  return { paths, edges: [...used.values()], truncated: truncated || paths.length >= MAX_PATHS };
}
