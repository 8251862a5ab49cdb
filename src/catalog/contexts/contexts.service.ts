/** Contexts (experiment / pipeline / project) and their members. Owns `context` and `context_member`. */
import { Injectable } from '@nestjs/common';
import { Db, Sql } from '../../platform/database/db';
import { groupRows } from '../../platform/database/group';
import { Entity } from '../nodes/node.repository';
import { CatalogWriter } from '../nodes/catalog.writer';
import { NodeKind } from '../nodes/node.types';
import { resolveRef, resolveRefs } from '../nodes/refs';
import { identifier, makeUrn } from '../../platform/graph/urn';
import { AddToContextInput, RegisterContextInput } from './context.types';

/** At most this many members are returned per context in one answer. */
export const MAX_MEMBERS_LISTED = 1000;

const MEMBER_KINDS = Object.values(NodeKind).filter((k) => k !== NodeKind.CONTEXT);

@Injectable()
export class ContextsService {
  constructor(
    private readonly writer: CatalogWriter,
    private readonly db: Db,
  ) {}

  async register(input: RegisterContextInput): Promise<Entity> {
    identifier('name', input.name, 300);
    const fields = this.writer.nodeFields(input);
    const urn = makeUrn(NodeKind.CONTEXT, `${input.contextKind}/${input.name}`);
    return this.writer.write(async (tx) => {
      const { id } = await this.writer.nodes.upsert(tx, { kind: NodeKind.CONTEXT, urn, name: input.name, ...fields });
      await tx.query(`INSERT INTO context (id, context_kind) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [id, input.contextKind]);
      return id;
    });
  }

  async addToContext(input: AddToContextInput): Promise<Entity> {
    return this.writer.write(async (tx) => {
      const context = await resolveRef(tx, 'contextUrn', input.contextUrn, NodeKind.CONTEXT, { write: true });
      const members = await resolveRefs(
        tx,
        input.memberUrns.map((urn, i) => ({ field: `memberUrns[${i}]`, urn, kinds: MEMBER_KINDS })),
      );
      await this.addMembers(tx, [context.id], members.map((m) => m.id));
      return context.id;
    });
  }

  /** Adds every node to every context; existing memberships are left as they are. */
  async addMembers(tx: Sql, contextIds: readonly string[], nodeIds: readonly string[]): Promise<void> {
    if (contextIds.length === 0 || nodeIds.length === 0) return;
    await tx.query(
      `INSERT INTO context_member (context_id, node_id)
       SELECT c, n FROM unnest($1::bigint[]) c CROSS JOIN unnest($2::bigint[]) n
       ON CONFLICT DO NOTHING`,
      [contextIds, nodeIds],
    );
  }

  /** Adds each node to its context; existing memberships are left as they are. */
  async addMemberPairs(tx: Sql, pairs: readonly { contextId: string; nodeId: string }[]): Promise<void> {
    if (pairs.length === 0) return;
    await tx.query(
      `INSERT INTO context_member (context_id, node_id)
       SELECT DISTINCT c, n FROM unnest($1::bigint[], $2::bigint[]) AS x(c, n) ORDER BY c, n
       ON CONFLICT DO NOTHING`,
      [pairs.map((p) => p.contextId), pairs.map((p) => p.nodeId)],
    );
  }

  /** Member node ids of each context (first MAX_MEMBERS_LISTED by time added). */
  async memberIds(contextIds: readonly string[]): Promise<Map<string, string[]>> {
    const rows = await this.db.query<{ contextId: string; nodeId: string }>(
      `SELECT context_id::text AS "contextId", node_id::text AS "nodeId" FROM (
         SELECT context_id, node_id, row_number() OVER (PARTITION BY context_id ORDER BY added_at, node_id) AS rn
           FROM context_member WHERE context_id = ANY($1::bigint[])) m
        WHERE rn <= $2 ORDER BY context_id, rn`,
      [contextIds, MAX_MEMBERS_LISTED],
    );
    return groupRows(contextIds, rows, (r) => r.contextId, (r) => r.nodeId);
  }

  /** Context ids each node belongs to. */
  async contextIdsOf(nodeIds: readonly string[]): Promise<Map<string, string[]>> {
    const rows = await this.db.query<{ contextId: string; nodeId: string }>(
      `SELECT context_id::text AS "contextId", node_id::text AS "nodeId" FROM context_member
        WHERE node_id = ANY($1::bigint[]) ORDER BY context_id`,
      [nodeIds],
    );
    return groupRows(nodeIds, rows, (r) => r.nodeId, (r) => r.contextId);
  }
}
