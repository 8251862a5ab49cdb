/**
 * Reads for GraphQL: per-request DataLoaders over the batch repositories, so a page of N entities with
 * their related objects costs a constant number of statements, never N. Every read answers only what the
 * request's caller may `read`: single reads refuse (FORBIDDEN, worded so as not to confirm existence),
 * related entities drop out, and pages carry the caller's access scope into SQL.
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
import { AccessService, Caller } from '../../access/access.service';
import { UnauthenticatedError } from '../../platform/errors/errors';

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
    private readonly access: AccessService,
  ) {}

  /** The authenticated caller of the request (set before any resolver runs). */
  caller(ctx: RequestContext): Caller {
    const caller = (ctx.req as { caller?: Caller }).caller;
    if (!caller) throw new UnauthenticatedError('Authentication required.');
    return caller;
  }

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

  /** The entity of `kind` named by `urn`; NOT_FOUND or, for a caller who may not read every one, FORBIDDEN. */
  async get(ctx: RequestContext, kind: NodeKind, urn: string): Promise<Entity> {
    parseUrn('urn', urn, kind);
    const found = await this.loaders(ctx).urn.load(urn);
    return this.readable(ctx, found && found.kind === kind ? found : null, kind, urn, `No ${kind} with URN ${urn}.`);
  }

  /** Any catalogued entity by URN, refused like `get`. */
  async getAny(ctx: RequestContext, urn: string): Promise<Entity> {
    parseUrn('urn', urn);
    const found = await this.loaders(ctx).urn.load(urn);
    return this.readable(ctx, found, 'entity', urn, `Nothing in the catalog has URN ${urn}.`);
  }

  /**
   * The entity when the caller may read it. Otherwise one FORBIDDEN for "hidden" and "missing" alike,
   * unless the caller may read every entity (then a missing one is plainly NOT_FOUND: nothing to hide).
   */
  private readable(ctx: RequestContext, found: Entity | null, what: string, urn: string, missing: string): Entity {
    const caller = this.caller(ctx);
    if (found) {
      this.access.require(caller, 'read', found, what);
      return found;
    }
    if (!this.access.scope(caller, 'read')) throw new NotFoundError(missing);
    this.access.denied(caller, 'read', urn, { exists: false });
    throw this.access.hidden(what, urn);
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
    const scope = this.access.scope(this.caller(ctx), 'read');
    const rows = await this.nodes.list(this.db, kind, filter, size + 1, decodeCursor(args.after), typed, scope);
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

  /** The entities with these ids, in order, skipping ids that no longer resolve and entities the caller may not read. */
  async entities(ctx: RequestContext, ids: readonly string[]): Promise<Entity[]> {
    const caller = this.caller(ctx);
    const loaded = await this.loaders(ctx).entity.loadMany(ids);
    return loaded.filter((e): e is Entity => e !== null && !(e instanceof Error) && this.access.can(caller, 'read', e));
  }

  /** The newest version under a parent when the caller may read it, else null. */
  async latestVisible(ctx: RequestContext, parentId: string): Promise<Entity | null> {
    const e = await this.loaders(ctx).latestVersion.load(parentId);
    return e && this.access.can(this.caller(ctx), 'read', e) ? e : null;
  }

  /** The entity with this id when it exists and the caller may read it, else null. */
  async visible(ctx: RequestContext, id: string): Promise<Entity | null> {
    const e = await this.loaders(ctx).entity.load(id);
    return e && this.access.can(this.caller(ctx), 'read', e) ? e : null;
  }
}
