import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { OperationLimits } from './operation-limits';

/**
 * Refuses an operation over a limit once it is parsed and validated and
 * before the gateway plans it; runs for cached documents too, since the
 * variables (list sizes) change from request to request.
 *
 * The hook throws synchronously on purpose: Apollo starts every plugin's
 * didResolveOperation in one `map`, so a synchronous throw from this plugin,
 * listed before the others, stops them from starting at all. Otherwise the
 * authorization plugin would still walk an operation that expands to
 * billions of fields (fragments spread twice, thirty levels deep).
 */
export function operationLimitsPlugin(
  /** The limits of the supergraph the request validated against (its cost directives). */
  limitsOf: (schema: GraphQLSchema) => OperationLimits,
): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        didResolveOperation({ schema, document, operation, operationName, request }) {
          // The gateway has nothing to plan; Apollo would let it fail as an internal error.
          if (!operation) throw unresolvedOperation(request.operationName);
          const exceeded = limitsOf(schema).check(
            schema,
            document,
            operationName,
            request.variables,
          );
          if (exceeded) throw exceeded;
          return Promise.resolve();
        },
      };
    },
  };
}

function unresolvedOperation(operationName: string | undefined): GraphQLError {
  const message = operationName
    ? `The document has no operation named "${operationName}"`
    : 'The document has several operations: name the one to run';
  return new GraphQLError(message, {
    extensions: { code: ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE, http: { status: 400 } },
  });
}
