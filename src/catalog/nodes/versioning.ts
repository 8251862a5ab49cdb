/**
 * Version numbering for datasets and models: the parent row is locked for the rest of the transaction, so
 * concurrent registrations under one parent number 1, 2, 3… without gaps or duplicates, and a content
 * hash seen before returns the version that already has it.
 */
import { Sql } from '../../platform/database/db';
import { NodeRow } from './node.types';

export type VersionedParentTable = 'dataset' | 'model';

export type ParentNode = Pick<NodeRow, 'id' | 'urn' | 'name' | 'ownerTeam' | 'domain' | 'tags' | 'classifications'>;

export async function lockParent(sql: Sql, table: VersionedParentTable, id: string): Promise<ParentNode> {
  const rows = await sql.query<ParentNode>(
    `SELECT n.id::text AS "id", n.urn, n.name, n.owner_team AS "ownerTeam", n.domain, n.tags, n.classifications
       FROM ${table} p JOIN node n ON n.id = p.id WHERE p.id = $1 FOR UPDATE OF p`,
    [id],
  );
  return rows[0];
}

export async function nextVersion(sql: Sql, table: VersionedParentTable, id: string): Promise<number> {
  const rows = await sql.query<{ v: number }>(
    `UPDATE ${table} SET latest_version = latest_version + 1 WHERE id = $1 RETURNING latest_version AS "v"`,
    [id],
  );
  return rows[0].v;
}
