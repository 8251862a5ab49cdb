/**
 * The node spine: idempotent upsert by URN, batch loads by id and URN, filtered keyset pages. All SQL for
 * the `node` table and the generic part of typed-table reads lives here.
 */
import { Sql } from '../../platform/database/db';
import { ConflictError } from '../../platform/errors/errors';
import { ENTITY_TABLES, NODE_COLUMNS } from './entity-tables';
import { NodeKind, NodeRow } from './node.types';
import { makeUrn } from '../../platform/graph/urn';
import { AccessAttributes, accessColumns, AccessScope, Params, scopeConditions } from '../../platform/auth/access-scope';
import { writeGuardOf } from '../../platform/auth/write-guard';

/**
 * A run known only by reference is named by its run id; the first observation that gives it a real name
 * (e.g. its job name) names it, whatever order observations arrive in. Other nodes keep their first name.
 */
const RUN_URN_PREFIX = makeUrn(NodeKind.RUN, '');
const RUN_NAME_SQL = `name = CASE WHEN n.kind = 'run' AND n.name = substr(n.urn, ${RUN_URN_PREFIX.length + 1}) THEN EXCLUDED.name ELSE n.name END`;
const RUN_NAMED_SQL = `(n.kind = 'run' AND n.name = substr(n.urn, ${RUN_URN_PREFIX.length + 1}) AND EXCLUDED.name <> n.name)`;

export interface NodeUpsert {
  kind: NodeKind;
  urn: string;
  name: string;
  parentId?: string | null;
  description?: string | null;
  ownerTeam?: string | null;
  domain?: string | null;
  tags?: string[] | null;
  classifications?: string[] | null;
  properties?: Record<string, unknown> | null;
}

export interface ListFilter {
  ownerTeam?: string;
  domain?: string;
  tag?: string;
  classification?: string;
  namePrefix?: string;
  parentId?: string;
}

/** An extra typed-table condition; `column` is always a literal from our code, never from input. */
export interface TypedCondition {
  column: string;
  value: unknown;
}

export type Entity = NodeRow & Record<string, unknown>;

/** A node's id and kind, with the attributes access policies test. */
export interface NodeRef extends AccessAttributes {
  id: string;
  kind: NodeKind;
}

function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class NodeRepository {
  /**
   * Inserts the node or updates the given fields of the existing one (absent fields keep their value);
   * `updated_at` moves only when something changed. Concurrent upserts of one URN resolve to one row.
   */
  async upsert(sql: Sql, n: NodeUpsert): Promise<{ id: string; inserted: boolean }> {
    await this.guardUpsert(sql, n);
    const rows = await sql.query<{ id: string; kind: NodeKind; inserted: boolean }>(
      `INSERT INTO node AS n (kind, urn, name, parent_id, description, owner_team, domain, tags, classifications, properties)
       VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8::text[], '{}'), COALESCE($9::text[], '{}'), COALESCE($10::jsonb, '{}'))
       ON CONFLICT (urn) DO UPDATE SET ${RUN_NAME_SQL},
         description = COALESCE($5, n.description), owner_team = COALESCE($6, n.owner_team),
         domain = COALESCE($7, n.domain), tags = COALESCE($8::text[], n.tags),
         classifications = COALESCE($9::text[], n.classifications), properties = COALESCE($10::jsonb, n.properties),
         updated_at = CASE WHEN (COALESCE($5, n.description), COALESCE($6, n.owner_team), COALESCE($7, n.domain),
                                 COALESCE($8::text[], n.tags), COALESCE($9::text[], n.classifications),
                                 COALESCE($10::jsonb, n.properties))
                            IS DISTINCT FROM (n.description, n.owner_team, n.domain, n.tags, n.classifications, n.properties)
                           THEN now() ELSE n.updated_at END
       RETURNING n.id::text AS "id", n.kind, (xmax = 0) AS "inserted"`,
      [
        n.kind,
        n.urn,
        n.name,
        n.parentId ?? null,
        n.description ?? null,
        n.ownerTeam ?? null,
        n.domain ?? null,
        n.tags ? [...new Set(n.tags)] : null,
        n.classifications ? [...new Set(n.classifications)] : null,
        n.properties ? JSON.stringify(n.properties) : null,
      ],
    );
    const row = rows[0];
    if (row.kind !== n.kind) throw new ConflictError(`URN ${n.urn} already names a ${row.kind}, not a ${n.kind}.`);
    return { id: row.id, inserted: row.inserted };
  }

  /** Under a write guard: the caller must be allowed to write the entity as stored (if it is) and as it will be. */
  private async guardUpsert(sql: Sql, n: NodeUpsert): Promise<void> {
    const guard = writeGuardOf(sql);
    if (!guard) return;
    const [before] = await sql.query<AccessAttributes>(
      `SELECT ${accessColumns('n')} FROM node n WHERE n.urn = $1 FOR UPDATE`,
      [n.urn],
    );
    if (before) guard.requireWrite(before);
    guard.requireWrite({
      kind: n.kind,
      urn: n.urn,
      domain: n.domain ?? before?.domain ?? null,
      ownerTeam: n.ownerTeam ?? before?.ownerTeam ?? null,
      tags: n.tags ?? before?.tags ?? [],
      classifications: n.classifications ?? before?.classifications ?? [],
    });
  }

  /**
   * Upserts many nodes in one statement (one row per URN; rows locked in URN order, so concurrent batches
   * cannot deadlock on them). New nodes get every field given; existing nodes keep theirs, except that
   * `properties` merge key by key. Returns id, kind and whether it was inserted, by URN.
   */
  async upsertMany(sql: Sql, nodes: readonly NodeUpsert[]): Promise<Map<string, { id: string; kind: NodeKind; inserted: boolean }>> {
    const out = new Map<string, { id: string; kind: NodeKind; inserted: boolean }>();
    if (nodes.length === 0) return out;
    // Most nodes of a batch usually exist unchanged (datasets read again, the same job): one indexed read
    // settles them, and only the rest go through the upsert.
    // Stored properties are read only when some node brings properties to merge (datasets named again bring none).
    const merging = nodes.some((n) => n.properties && Object.keys(n.properties).length);
    const existing = await sql.query<{ id: string; kind: NodeKind; urn: string; name: string; properties: Record<string, unknown> | null }>(
      `SELECT id::text AS "id", kind, urn, name, ${merging ? 'properties' : 'NULL::jsonb AS properties'} FROM node WHERE urn = ANY($1::text[])`,
      [nodes.map((n) => n.urn)],
    );
    const stored = new Map(existing.map((r) => [r.urn, r]));
    const pending = nodes.filter((n) => {
      const s = stored.get(n.urn);
      if (!s) return true;
      if (s.kind !== n.kind) throw new ConflictError(`URN ${n.urn} already names a ${s.kind}, not a ${n.kind}.`);
      out.set(n.urn, { id: s.id, kind: s.kind, inserted: false });
      const renamed = s.kind === NodeKind.RUN && s.name === s.urn.slice(RUN_URN_PREFIX.length) && n.name !== s.name;
      const newProperties = Object.entries(n.properties ?? {}).some(([k, v]) => JSON.stringify(s.properties?.[k]) !== JSON.stringify(v));
      return renamed || newProperties;
    });
    if (pending.length === 0) return out;
    await this.upsertPending(sql, pending, out);
    return out;
  }

  /**
   * `upsertMany` for nodes the caller knows to be new (a version number just taken under its dataset's lock):
   * no read first. Still correct when one exists after all — it is upserted like any other.
   */
  async upsertNew(sql: Sql, nodes: readonly NodeUpsert[]): Promise<Map<string, { id: string; kind: NodeKind; inserted: boolean }>> {
    const out = new Map<string, { id: string; kind: NodeKind; inserted: boolean }>();
    if (nodes.length) await this.upsertPending(sql, nodes, out);
    return out;
  }

  private async upsertPending(sql: Sql, nodes: readonly NodeUpsert[], out: Map<string, { id: string; kind: NodeKind; inserted: boolean }>): Promise<void> {
    const rows = nodes.map((n) => ({
      kind: n.kind, urn: n.urn, name: n.name, parent_id: n.parentId ?? null, description: n.description ?? null,
      owner_team: n.ownerTeam ?? null, domain: n.domain ?? null, tags: n.tags ? [...new Set(n.tags)] : [],
      classifications: n.classifications ? [...new Set(n.classifications)] : [], properties: n.properties ?? {},
    }));
    const found = await sql.query<{ id: string; kind: NodeKind; urn: string; inserted: boolean }>(
      `WITH x AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(kind text, urn text, name text, parent_id bigint, description text,
           owner_team text, domain text, tags text[], classifications text[], properties jsonb)),
       ins AS (
         INSERT INTO node AS n (kind, urn, name, parent_id, description, owner_team, domain, tags, classifications, properties)
         SELECT kind, urn, name, parent_id, description, owner_team, domain, tags, classifications, properties FROM x ORDER BY urn
         ON CONFLICT (urn) DO UPDATE SET properties = n.properties || EXCLUDED.properties, ${RUN_NAME_SQL}, updated_at = now()
           WHERE (EXCLUDED.properties <> '{}'::jsonb AND NOT n.properties @> EXCLUDED.properties) OR ${RUN_NAMED_SQL}
         RETURNING n.id, n.kind, n.urn, (xmax = 0) AS inserted)
       SELECT id::text AS "id", kind, urn, inserted FROM ins
       UNION ALL
       SELECT n.id::text, n.kind, n.urn, false FROM x JOIN node n ON n.urn = x.urn WHERE NOT EXISTS (SELECT 1 FROM ins WHERE ins.urn = x.urn)`,
      [JSON.stringify(rows)],
    );
    for (const r of found) out.set(r.urn, { id: r.id, kind: r.kind, inserted: r.inserted });
    // A node committed by a concurrent transaction after this statement's snapshot: read it now.
    const late = nodes.filter((n) => !out.has(n.urn)).map((n) => n.urn);
    if (late.length) for (const [urn, hit] of await this.idsByUrns(sql, late)) out.set(urn, { ...hit, inserted: false });
    for (const n of nodes) {
      const hit = out.get(n.urn);
      if (hit && hit.kind !== n.kind) throw new ConflictError(`URN ${n.urn} already names a ${hit.kind}, not a ${n.kind}.`);
    }
  }

  async touch(sql: Sql, id: string): Promise<void> {
    await sql.query(`UPDATE node SET updated_at = now() WHERE id = $1`, [id]);
  }

  async idsByUrns(sql: Sql, urns: readonly string[]): Promise<Map<string, NodeRef>> {
    if (urns.length === 0) return new Map();
    const rows = await sql.query<NodeRef>(
      `SELECT n.id::text AS "id", ${accessColumns('n')} FROM node n WHERE n.urn = ANY($1::text[])`,
      [urns],
    );
    return new Map(rows.map((r) => [r.urn, r]));
  }

  /** Loads full entities (node + typed fields) for any mix of kinds: 1 + (number of kinds) statements. */
  async entitiesByIds(sql: Sql, ids: readonly string[]): Promise<Map<string, Entity>> {
    const out = new Map<string, Entity>();
    if (ids.length === 0) return out;
    const nodes = await sql.query<Entity>(`SELECT ${NODE_COLUMNS} FROM node n WHERE n.id = ANY($1::bigint[])`, [ids]);
    const byKind = new Map<NodeKind, string[]>();
    for (const node of nodes) {
      out.set(node.id, node);
      byKind.set(node.kind, [...(byKind.get(node.kind) ?? []), node.id]);
    }
    await Promise.all(
      [...byKind].map(async ([kind, kindIds]) => {
        const { table, columns } = ENTITY_TABLES[kind];
        const typed = await sql.query<{ id: string }>(
          `SELECT t.id::text AS "id", ${columns} FROM ${table} t WHERE t.id = ANY($1::bigint[])`,
          [kindIds],
        );
        for (const row of typed) Object.assign(out.get(row.id)!, row, { id: row.id });
      }),
    );
    return out;
  }

  /** One keyset page of entities of one kind, newest registration last, in a single statement. */
  async list(
    sql: Sql,
    kind: NodeKind,
    filter: ListFilter,
    limit: number,
    afterId: string | undefined,
    typed: TypedCondition[] = [],
    scope?: AccessScope,
  ): Promise<Entity[]> {
    const params: unknown[] = [kind];
    const where = ['n.kind = $1'];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (filter.ownerTeam !== undefined) add((p) => `n.owner_team = ${p}`, filter.ownerTeam);
    if (filter.domain !== undefined) add((p) => `n.domain = ${p}`, filter.domain);
    if (filter.tag !== undefined) add((p) => `n.tags @> ARRAY[${p}::text]`, filter.tag);
    if (filter.classification !== undefined) add((p) => `n.classifications @> ARRAY[${p}::text]`, filter.classification);
    if (filter.namePrefix !== undefined) add((p) => `n.name LIKE ${p}`, likePrefix(filter.namePrefix));
    if (filter.parentId !== undefined) add((p) => `n.parent_id = ${p}`, filter.parentId);
    if (afterId !== undefined) add((p) => `n.id > ${p}`, afterId);
    for (const c of typed) add((p) => `t.${c.column} = ${p}`, c.value);
    // The caller's access scope goes into the query itself, so a page is full and never shows a hidden row.
    where.push(...scopeConditions(scope, new Params(params), 'n'));
    params.push(limit);
    const { table, columns } = ENTITY_TABLES[kind];
    return sql.query<Entity>(
      `SELECT ${NODE_COLUMNS}, ${columns} FROM node n JOIN ${table} t ON t.id = n.id
        WHERE ${where.join(' AND ')} ORDER BY n.id LIMIT $${params.length}`,
      params,
    );
  }

  /** The newest version (highest id) under each parent. */
  async latestChildIds(sql: Sql, parentIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await sql.query<{ parentId: string; id: string }>(
      `SELECT DISTINCT ON (n.parent_id) n.parent_id::text AS "parentId", n.id::text AS "id"
         FROM node n WHERE n.parent_id = ANY($1::bigint[]) ORDER BY n.parent_id, n.id DESC`,
      [parentIds],
    );
    return new Map(rows.map((r) => [r.parentId, r.id]));
  }
}
