/**
 * Version numbering for datasets and models: the parent row is locked for the rest of the transaction, so
 * concurrent registrations under one parent number 1, 2, 3… without gaps or duplicates, and a content
 * hash seen before returns the version that already has it. A new version node inherits its parent's
 * ownership and tags unless given, and the union of classifications.
 */
import { Sql } from '../../platform/database/db';
import { NodeRepository, NodeUpsert } from './node.repository';
import { NodeKind, NodeRow } from './node.types';
import { versionUrn } from '../../platform/graph/urn';

type ParentNode = Pick<NodeRow, 'id' | 'urn' | 'name' | 'ownerTeam' | 'domain' | 'tags' | 'classifications'>;

const VERSIONED = {
  [NodeKind.DATASET_VERSION]: { parent: 'dataset', table: 'dataset_version', parentColumn: 'dataset_id', hashColumn: 'content_hash' },
  [NodeKind.MODEL_VERSION]: { parent: 'model', table: 'model_version', parentColumn: 'model_id', hashColumn: 'artifact_sha256' },
} as const;

export interface VersionClaim {
  kind: NodeKind.DATASET_VERSION | NodeKind.MODEL_VERSION;
  parentId: string;
  /** Content hash; when a version under this parent has it, that version is returned. */
  hash?: string | null;
  fields: Omit<NodeUpsert, 'kind' | 'urn' | 'name'>;
  /** Classifications found in the version itself (e.g. on columns). */
  extraClassifications?: string[];
}

/** Returns the existing version with the hash, or a new version node; the caller inserts the typed row when `created`. */
export async function claimVersion(
  tx: Sql,
  nodes: NodeRepository,
  claim: VersionClaim,
): Promise<{ id: string; version: number; created: boolean }> {
  const spec = VERSIONED[claim.kind];
  const [parent] = await tx.query<ParentNode>(
    `SELECT n.id::text AS "id", n.urn, n.name, n.owner_team AS "ownerTeam", n.domain, n.tags, n.classifications
       FROM ${spec.parent} p JOIN node n ON n.id = p.id WHERE p.id = $1 FOR UPDATE OF p`,
    [claim.parentId],
  );
  if (claim.hash) {
    const [existing] = await tx.query<{ id: string; version: number }>(
      `SELECT id::text AS "id", version FROM ${spec.table} WHERE ${spec.parentColumn} = $1 AND ${spec.hashColumn} = $2`,
      [claim.parentId, claim.hash],
    );
    if (existing) return { ...existing, created: false };
  }
  const [{ version }] = await tx.query<{ version: number }>(
    `UPDATE ${spec.parent} SET latest_version = latest_version + 1 WHERE id = $1 RETURNING latest_version AS "version"`,
    [claim.parentId],
  );
  const f = claim.fields;
  const { id } = await nodes.upsert(tx, {
    kind: claim.kind,
    urn: versionUrn(parent.urn, version),
    name: `${parent.name}@${version}`,
    parentId: parent.id,
    ...f,
    ownerTeam: f.ownerTeam ?? parent.ownerTeam,
    domain: f.domain ?? parent.domain,
    tags: f.tags ?? parent.tags,
    classifications: [...new Set([...parent.classifications, ...(f.classifications ?? []), ...(claim.extraClassifications ?? [])])],
  });
  return { id, version, created: true };
}

/** Locks a model row (stage changes serialize per model). */
export async function lockModel(tx: Sql, modelId: string): Promise<void> {
  await tx.query(`SELECT 1 FROM model WHERE id = $1 FOR UPDATE`, [modelId]);
}
