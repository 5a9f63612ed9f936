import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { answerRefusals, authorizeOperation, type Authorization } from './authorize-operation';
import { answerDeferredRefusals } from './deferred-refusals';
import type { AuthRequirements } from './requirements';
import type { RouterContext } from '../context';

/**
 * Runs @authenticated and @requiresScopes before the query planner sees the
 * operation: the gateway plans and executes only what the caller may see,
 * so a refused mutation never reaches a subgraph. The requirements are those
 * of the supergraph the request validated against (`requirementsOf`). A
 * field refused in a deferred fragment is answered in that fragment's part,
 * when the executor delivers the operation in parts.
 */
export function authorizationPlugin(
  requirementsOf: (schema: GraphQLSchema) => AuthRequirements,
): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      let authorization: Authorization | undefined;
      return {
        async didResolveOperation(requestContext) {
          if (!requestContext.document) return;
          authorization = authorizeOperation(
            requestContext.schema,
            requestContext.document,
            requestContext.operationName,
            requestContext.contextValue.identity,
            requirementsOf(requestContext.schema),
          );
          if (!authorization?.document) return;
          // The gateway caches plans by query hash: a filtered operation must not share one.
          const mutable = requestContext as {
            document: typeof authorization.document;
            queryHash?: string;
          };
          mutable.document = authorization.document;
          mutable.queryHash = createHash('sha256')
            .update(`${requestContext.queryHash ?? ''}\n${authorization.signature}`)
            .digest('hex');
        },
        async responseForOperation() {
          if (!authorization || authorization.document) return null;
          const data = authorization.rootNulls
            ? Object.fromEntries(authorization.rootNulls.map((key) => [key, null]))
            : null;
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: { kind: 'single', singleResult: { data, errors: authorization.errors } },
          };
        },
        async willSendResponse({ response, contextValue }) {
          if (!authorization?.document || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.data)
            result.data = answerRefusals(
              result.data,
              authorization.placeholders,
            ) as typeof result.data;
          const deferred = contextValue.deferred?.payloads;
          const now = deferred
            ? authorization.errors
            : [...authorization.errors, ...[...authorization.deferredErrors.values()].flat()];
          const errors = [...now, ...(result.errors ?? [])];
          // Every refusal of the operation may be in a deferred part.
          if (errors.length > 0) result.errors = errors;
          if (deferred)
            contextValue.deferred!.payloads = answerDeferredRefusals(deferred, authorization);
        },
      };
    },
  };
}
