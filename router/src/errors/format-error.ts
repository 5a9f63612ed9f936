import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from '@shop/platform';
import { parseFailureCode } from '../limits/parse-failure';

/**
 * The last look at every error before it leaves: the token limit gets its
 * own code, and in production an unexpected error (a bug, a dropped
 * connection) is logged and answered without its message, which may name a
 * host, a query or a file. Errors with a code of their own are meant for the
 * client and pass, without the subgraph's HTTP response the gateway attaches
 * to a 401 or 403 from a subgraph (its URL and body are the router's business).
 */
export function createRouterErrorFormatter(log: Logger, production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (code === 'GRAPHQL_PARSE_FAILED') {
      return {
        ...formatted,
        extensions: { ...formatted.extensions, code: parseFailureCode(formatted.message) },
      };
    }
    if (!production) return formatted;
    if (code !== undefined && code !== 'INTERNAL_SERVER_ERROR')
      return withoutSubgraphResponse(formatted);
    log.error({ err: unwrapResolverError(error), path: formatted.path }, 'unexpected error');
    const serviceName = formatted.extensions?.serviceName;
    return {
      message: 'Internal server error',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', ...(serviceName ? { serviceName } : {}) },
    };
  };
}

function withoutSubgraphResponse(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (formatted.extensions?.response === undefined) return formatted;
  const { response: _response, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
