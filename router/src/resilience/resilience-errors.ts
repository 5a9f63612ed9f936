import { GraphQLError } from 'graphql';

/** Codes of a subgraph call the router gave up on; `serviceName` names the subgraph. */
export const ResilienceCode = {
  SUBGRAPH_TIMEOUT: 'SUBGRAPH_TIMEOUT',
  SUBGRAPH_UNAVAILABLE: 'SUBGRAPH_UNAVAILABLE',
} as const;
export type ResilienceCode = (typeof ResilienceCode)[keyof typeof ResilienceCode];

/** The subgraph did not answer within its timeout (retries included). */
export class SubgraphTimeoutError extends GraphQLError {
  readonly code = ResilienceCode.SUBGRAPH_TIMEOUT;
  constructor(serviceName: string, timeoutMs: number) {
    super(`Subgraph "${serviceName}" did not answer within ${timeoutMs} ms`, {
      extensions: { code: ResilienceCode.SUBGRAPH_TIMEOUT, serviceName },
    });
  }
}

/**
 * One attempt ran out of the time AttemptLimits gave it: what the attempt
 * fails with, so the call can tell a timeout from a subgraph it could not reach.
 */
export class AttemptTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no whole answer within ${timeoutMs} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

/** The subgraph's circuit breaker is open: the call was not made. */
export class SubgraphUnavailableError extends GraphQLError {
  readonly code = ResilienceCode.SUBGRAPH_UNAVAILABLE;
  constructor(serviceName: string) {
    super(`Subgraph "${serviceName}" is unavailable: too many of its calls failed just now`, {
      extensions: { code: ResilienceCode.SUBGRAPH_UNAVAILABLE, serviceName },
    });
  }
}

/**
 * The subgraph could not be reached: the gateway's wording ("fetch failed",
 * so an INTERNAL_SERVER_ERROR as the gateway gives), with the subgraph named.
 */
export function unreachableSubgraphError(serviceName: string, cause: unknown): GraphQLError {
  return new GraphQLError('fetch failed', {
    originalError: cause instanceof Error ? cause : undefined,
    extensions: { serviceName },
  });
}
