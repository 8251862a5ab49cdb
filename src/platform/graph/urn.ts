/**
 * URNs: `urn:pedigree:<type>:<key>`, versions `…@<n>`. The URN is the stable public identity of every
 * catalogued thing; it is derived from natural keys (OpenLineage namespace + name for datasets), so the same
 * thing registered twice gets the same URN.
 */
import { InvalidInputError } from '../errors/errors';
import { NodeKind } from './node-kind';

export const URN_PREFIX = 'urn:pedigree:';
export const MAX_URN_LENGTH = 1024;

const TYPE_OF_KIND: Record<NodeKind, string> = {
  [NodeKind.DATASET]: 'dataset',
  [NodeKind.DATASET_VERSION]: 'dataset',
  [NodeKind.FEATURE_VIEW]: 'feature_view',
  [NodeKind.CODE_VERSION]: 'code',
  [NodeKind.MODEL]: 'model',
  [NodeKind.MODEL_VERSION]: 'model',
  [NodeKind.RUN]: 'run',
  [NodeKind.DEPLOYMENT]: 'deployment',
  [NodeKind.CONTEXT]: 'context',
};
const TYPES = new Set(Object.values(TYPE_OF_KIND));
// Printable, no whitespace: keys appear in logs, URLs and shell commands.
const KEY = /^[\x21-\x7e\u00a0-\uffff]+$/u;

/** Validates a caller-given identifier part (namespace, name, run id, …) before it becomes part of a URN. */
export function identifier(field: string, value: string, max = 400): string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidInputError(`${field} must not be empty.`);
  if (value.length > max) throw new InvalidInputError(`${field} is ${value.length} characters long; the maximum is ${max}.`);
  if (!KEY.test(value)) {
    throw new InvalidInputError(`${field} "${value.slice(0, 80)}" contains whitespace or control characters, which identifiers may not.`);
  }
  return value;
}

export function makeUrn(kind: NodeKind, key: string): string {
  return `${URN_PREFIX}${TYPE_OF_KIND[kind]}:${key}`;
}

export function versionUrn(parentUrn: string, version: number | string): string {
  return `${parentUrn}@${version}`;
}

/** Checks URN syntax (and, when given, that it names the expected kind), throwing BAD_USER_INPUT. */
export function parseUrn(field: string, urn: string, expected?: NodeKind): string {
  if (typeof urn !== 'string' || urn.length === 0) throw new InvalidInputError(`${field} must be a URN.`);
  if (urn.length > MAX_URN_LENGTH) throw new InvalidInputError(`${field} is longer than ${MAX_URN_LENGTH} characters.`);
  const example = 'urn:pedigree:dataset:postgres://warehouse/public.customers';
  if (!urn.startsWith(URN_PREFIX)) {
    throw new InvalidInputError(`${field} "${urn.slice(0, 80)}" is not a Pedigree URN (expected e.g. ${example}).`);
  }
  const rest = urn.slice(URN_PREFIX.length);
  const colon = rest.indexOf(':');
  const type = colon > 0 ? rest.slice(0, colon) : '';
  const key = rest.slice(colon + 1);
  if (!TYPES.has(type)) {
    throw new InvalidInputError(`${field} "${urn.slice(0, 80)}" has unknown type "${type}"; known: ${[...TYPES].join(', ')}.`);
  }
  if (colon < 0 || key.length === 0 || !KEY.test(key)) {
    throw new InvalidInputError(`${field} "${urn.slice(0, 80)}" has an empty key or one with whitespace/control characters.`);
  }
  if (expected && TYPE_OF_KIND[expected] !== type) {
    throw new InvalidInputError(`${field} must be a ${expected} URN (urn:pedigree:${TYPE_OF_KIND[expected]}:…), got "${urn.slice(0, 80)}".`);
  }
  return urn;
}
