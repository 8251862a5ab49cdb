/**
 * Reads for GraphQL: per-request DataLoaders over the batch repositories, so a page of N entities with
 * their related objects costs a constant number of statements, never N.
 */
import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { Db } from '../../platform/database/db';
import { NotFoundError } from '../../platform/errors/errors';
import { Page, PageArgs, decodeCursor, pageSize, toPage } from '../../platform/graphql/connection';
import { listLoader, RequestContext, requestLoader } from '../../platform/graphql/request-context';
import { LineageService } from '../../lineage/lineage.service';
import { EdgeRow } from '../../lineage/edge.types';
import { Entity, ListFilter, NodeRepository, TypedCondition } from './node.repository';
import { NodeKind } from './node.types';
import { parseUrn } from '../../platform/graph/urn';

export interface CatalogLoaders {
  entity: DataLoader<string, Entity | null>;
  urn: DataLoader<string, Entity | null>;
  latestVersion: DataLoader<string, Entity | null>;
  edgesIn: DataLoader<string, EdgeRow[]>;
  edgesOut: DataLoader<string, EdgeRow[]>;
}

@Injectable()
export class CatalogReader {
  private readonly nodes = new NodeRepository();

  constructor(
    private readonly db: Db,
    private readonly lineage: LineageService,
  ) {}

  loaders(ctx: RequestContext): CatalogLoaders {
    return requestLoader(ctx, 'catalog', () => this.createLoaders());
  }

  private createLoaders(): CatalogLoaders {
    const entity = new DataLoader<string, Entity | null>(async (ids) => {
      const map = await this.nodes.entitiesByIds(this.db, ids);
      return ids.map((id) => map.get(id) ?? null);
    });
    const urn = new DataLoader<string, Entity | null>(async (urns) => {
      const ids = await this.nodes.idsByUrns(this.db, urns);
      return Promise.all(urns.map((u) => (ids.has(u) ? entity.load(ids.get(u)!.id) : null)));
    });
    const latestVersion = new DataLoader<string, Entity | null>(async (parentIds) => {
      const latest = await this.nodes.latestChildIds(this.db, parentIds);
      return Promise.all(parentIds.map((p) => (latest.has(p) ? entity.load(latest.get(p)!) : null)));
    });
    const edges = (direction: 'in' | 'out') => listLoader((ids) => this.lineage.currentEdges(ids, direction));
    return { entity, urn, latestVersion, edgesIn: edges('in'), edgesOut: edges('out') };
  }

  /** The entity of `kind` named by `urn`, or NOT_FOUND. */
  async get(ctx: RequestContext, kind: NodeKind, urn: string): Promise<Entity> {
    parseUrn('urn', urn, kind);
    const found = await this.loaders(ctx).urn.load(urn);
    if (!found || found.kind !== kind) throw new NotFoundError(`No ${kind} with URN ${urn}.`);
    return found;
  }

  /** Any catalogued entity by URN, or NOT_FOUND. */
  async getAny(ctx: RequestContext, urn: string): Promise<Entity> {
    parseUrn('urn', urn);
    const found = await this.loaders(ctx).urn.load(urn);
    if (!found) throw new NotFoundError(`Nothing in the catalog has URN ${urn}.`);
    return found;
  }

  /** One page of `kind`, filtered; primes the entity loader so related fields reuse the rows. */
  async page(
    ctx: RequestContext,
    kind: NodeKind,
    filter: ListFilter,
    args: PageArgs,
    typed: TypedCondition[] = [],
  ): Promise<Page<Entity>> {
    const size = pageSize(args);
    const rows = await this.nodes.list(this.db, kind, filter, size + 1, decodeCursor(args.after), typed);
    const loaders = this.loaders(ctx);
    for (const row of rows) loaders.entity.prime(row.id, row);
    return toPage(rows, size);
  }

  /** Entities at the other end of current edges of `kinds` (direction relative to `id`). */
  async neighbours(ctx: RequestContext, id: string, direction: 'in' | 'out', kinds: readonly string[]): Promise<Entity[]> {
    const loaders = this.loaders(ctx);
    const edges = await (direction === 'in' ? loaders.edgesIn : loaders.edgesOut).load(id);
    const ids = edges.filter((e) => kinds.includes(e.kind)).map((e) => (direction === 'in' ? e.fromId : e.toId));
    return this.entities(ctx, ids);
  }

  /** The entities with these ids, in order, skipping ids that no longer resolve. */
  async entities(ctx: RequestContext, ids: readonly string[]): Promise<Entity[]> {
    const loaded = await this.loaders(ctx).entity.loadMany(ids);
    return loaded.filter((e): e is Entity => e !== null && !(e instanceof Error));
  }
}
