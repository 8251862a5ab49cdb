/**
 * Resolving caller-given URNs to node ids inside a write, with errors that say which field is wrong and
 * what to do about it.
 */
import { Sql } from '../../platform/database/db';
import { InvalidInputError, NotFoundError } from '../../platform/errors/errors';
import { NodeRepository } from './node.repository';
import { NodeKind } from './node.types';
import { parseUrn } from '../../platform/graph/urn';
import { writeGuardOf } from '../../platform/auth/write-guard';
import type { AccessAttributes } from '../../platform/auth/access-scope';

export interface Ref {
  /** Where the URN came from, e.g. `inputs[2]`. */
  field: string;
  urn: string;
  /** Kinds the field accepts. */
  kinds: readonly NodeKind[];
}

export interface Resolved {
  id: string;
  kind: NodeKind;
  urn: string;
  attributes: AccessAttributes;
}

const nodes = new NodeRepository();

export async function resolveRefs(sql: Sql, refs: readonly Ref[]): Promise<Resolved[]> {
  for (const ref of refs) parseUrn(ref.field, ref.urn);
  const found = await nodes.idsByUrns(sql, [...new Set(refs.map((r) => r.urn))]);
  const guard = writeGuardOf(sql);
  // Under a write guard, what the caller may not read is "not in the catalog": writes cannot probe for it.
  const missing = refs.filter((r) => !found.has(r.urn) || (guard && !guard.mayRead(found.get(r.urn)!)));
  if (missing.length) {
    const list = missing.slice(0, 5).map((r) => `${r.field} ${r.urn}`).join(', ');
    throw new NotFoundError(`Not in the catalog: ${list}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}. Register them first.`, {
      missing: missing.map((r) => r.urn).slice(0, 100),
    });
  }
  return refs.map((ref) => {
    const hit = found.get(ref.urn)!;
    if (!ref.kinds.includes(hit.kind)) {
      const versionHint =
        hit.kind === NodeKind.DATASET || hit.kind === NodeKind.MODEL ? ` (name a version, e.g. ${ref.urn}@1)` : '';
      throw new InvalidInputError(
        `${ref.field} ${ref.urn} is a ${hit.kind}; expected ${ref.kinds.join(' or ')}${versionHint}.`,
      );
    }
    return { id: hit.id, kind: hit.kind, urn: ref.urn, attributes: hit };
  });
}

/** One reference; `write: true` when the write changes that entity itself (the caller must be allowed to write it). */
export async function resolveRef(sql: Sql, field: string, urn: string, kind: NodeKind, opts: { write?: boolean } = {}): Promise<Resolved> {
  parseUrn(field, urn, kind);
  const [resolved] = await resolveRefs(sql, [{ field, urn, kinds: [kind] }]);
  if (opts.write) writeGuardOf(sql)?.requireWrite(resolved.attributes);
  return resolved;
}
