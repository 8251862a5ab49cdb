/**
 * Lineage: owns the `edge` table. Other domains record edges through this service inside their own
 * transaction (so an entity and its lineage commit together) and read current edges in batches.
 * Traversal queries (upstream / downstream / as-of / impact) land here in the lineage issue.
 */
import { Injectable } from '@nestjs/common';
import { Db, Sql } from '../platform/database/db';
import { EdgeRepository } from './edge.repository';
import { EdgeKind, EdgeRow, NewEdge } from './edge.types';

@Injectable()
export class LineageService {
  private readonly edges = new EdgeRepository();

  constructor(private readonly db: Db) {}

  openEdges(tx: Sql, edges: readonly NewEdge[]): Promise<number> {
    return this.edges.open(tx, edges);
  }

  closeEdges(tx: Sql, edges: readonly { fromId: string; toId: string; kind: EdgeKind }[], validTo: Date): Promise<number> {
    return this.edges.close(tx, edges, validTo);
  }

  currentEdges(ids: readonly string[], direction: 'in' | 'out'): Promise<Map<string, EdgeRow[]>> {
    return this.edges.current(this.db, ids, direction);
  }
}
