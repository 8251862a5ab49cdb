/**
 * Query depth and complexity limits, so one request cannot ask for the whole database. Depth is a
 * validation rule; complexity is checked by an Apollo plugin once the operation and variables are known.
 * A connection field costs its children times its page size.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  ASTVisitor,
  FragmentDefinitionNode,
  GraphQLError,
  Kind,
  SelectionSetNode,
  ValidationContext,
} from 'graphql';
import { ComplexityEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from './connection';

function selectionDepth(
  set: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  seen: Set<string>,
): number {
  if (!set) return 0;
  let max = 0;
  for (const sel of set.selections) {
    let depth = 0;
    if (sel.kind === Kind.FIELD) {
      depth = sel.name.value.startsWith('__') ? 0 : 1 + selectionDepth(sel.selectionSet, fragments, seen);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      depth = selectionDepth(sel.selectionSet, fragments, seen);
    } else {
      const name = sel.name.value;
      if (seen.has(name) || !fragments[name]) continue;
      depth = selectionDepth(fragments[name].selectionSet, fragments, new Set([...seen, name]));
    }
    max = Math.max(max, depth);
  }
  return max;
}

export function depthLimitRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const doc = context.getDocument();
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const def of doc.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
    for (const def of doc.definitions) {
      if (def.kind !== Kind.OPERATION_DEFINITION) continue;
      const depth = selectionDepth(def.selectionSet, fragments, new Set());
      if (depth > maxDepth) {
        context.reportError(
          new GraphQLError(`Query depth ${depth} exceeds the maximum of ${maxDepth}; ask for fewer nested levels.`, {
            extensions: { code: 'BAD_USER_INPUT' },
          }),
        );
      }
    }
    return {};
  };
}

const pagedEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  if (typeof args.first === 'number' || 'after' in args) {
    const size = typeof args.first === 'number' ? args.first : DEFAULT_PAGE_SIZE;
    return 1 + childComplexity * Math.max(1, size);
  }
  return undefined;
};

export function complexityLimitPlugin(maxComplexity: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          let complexity: number;
          try {
            complexity = getComplexity({
            schema,
            operationName: request.operationName,
            query: document,
            variables: request.variables,
            estimators: [pagedEstimator, simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch (err) {
            // Estimation coerces variables first; a bad variable is the caller's error, reported as such.
            if (err instanceof GraphQLError) throw new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
            throw err;
          }
          if (complexity > maxComplexity) {
            throw new GraphQLError(
              `Query complexity ${complexity} exceeds the maximum of ${maxComplexity}; request smaller pages (first) or fewer fields.`,
              { extensions: { code: 'BAD_USER_INPUT', complexity, maxComplexity, http: { status: 400 } } },
            );
          }
        },
      };
    },
  };
}
