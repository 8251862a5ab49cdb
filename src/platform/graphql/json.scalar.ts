/** `JSONObject` scalar: free-form properties, params, metrics. Only JSON objects are accepted. */
import { GraphQLError, GraphQLScalarType, Kind, ValueNode } from 'graphql';

function literalToValue(node: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => literalToValue(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalToValue(f.value, variables)]));
    case Kind.VARIABLE:
      return variables ? variables[node.name.value] : undefined;
    default:
      throw new GraphQLError('JSONObject: unsupported literal');
  }
}

// Input objects pass through class-transformer, which silently drops these keys; refusing them is honest.
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function reservedKey(value: unknown, depth = 0): string | undefined {
  if (value === null || typeof value !== 'object' || depth > 32) return undefined;
  for (const key of Object.keys(value)) {
    if (RESERVED_KEYS.has(key)) return key;
    const nested = reservedKey((value as Record<string, unknown>)[key], depth + 1);
    if (nested) return nested;
  }
  return undefined;
}

function ensureObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GraphQLError('JSONObject must be a JSON object, e.g. {"key": "value"}');
  }
  const reserved = reservedKey(value);
  if (reserved) throw new GraphQLError(`JSONObject keys may not be "${reserved}" (reserved: __proto__, constructor, prototype).`);
  return value as Record<string, unknown>;
}

export const JSONObjectScalar = new GraphQLScalarType({
  name: 'JSONObject',
  description: 'A JSON object with free-form keys (properties, parameters, metrics).',
  serialize: (value) => value,
  parseValue: (value) => ensureObject(value),
  parseLiteral: (ast, variables) => ensureObject(literalToValue(ast, variables)),
});

/** `JSON` scalar: any JSON value, as logged (prediction inputs and outputs). Output only in practice. */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value (object, array, string, number, boolean or null).',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => literalToValue(ast, variables),
});
