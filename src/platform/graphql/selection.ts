/**
 * Which fields a query selected below its current field, so a resolver can skip work nobody asked for
 * (e.g. the facets a search does not return). Follows fragments and inline fragments; directives are not
 * evaluated, so `@skip`/`@include` count as selected (more work, never a wrong answer).
 */
import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';

function fieldsOf(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, out: Map<string, SelectionSetNode[]>): void {
  for (const sel of set?.selections ?? []) {
    if (sel.kind === 'Field') out.set(sel.name.value, [...(out.get(sel.name.value) ?? []), ...(sel.selectionSet ? [sel.selectionSet] : [])]);
    else if (sel.kind === 'InlineFragment') fieldsOf(sel.selectionSet, info, out);
    else fieldsOf(info.fragments[sel.name.value]?.selectionSet, info, out);
  }
}

/** Names of the fields selected at `path` below the resolved field (`[]`: its own sub-fields). */
export function selectedFields(info: GraphQLResolveInfo, path: string[] = []): Set<string> {
  let sets = info.fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  for (const name of [...path, null]) {
    const fields = new Map<string, SelectionSetNode[]>();
    for (const set of sets) fieldsOf(set, info, fields);
    if (name === null) return new Set(fields.keys());
    sets = fields.get(name) ?? [];
  }
  return new Set();
}
