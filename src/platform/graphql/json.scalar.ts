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

function ensureObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GraphQLError('JSONObject must be a JSON object, e.g. {"key": "value"}');
  }
  return value as Record<string, unknown>;
}

export const JSONObjectScalar = new GraphQLScalarType({
  name: 'JSONObject',
  description: 'A JSON object with free-form keys (properties, parameters, metrics).',
  serialize: (value) => value,
  parseValue: (value) => ensureObject(value),
  parseLiteral: (ast, variables) => ensureObject(literalToValue(ast, variables)),
});
