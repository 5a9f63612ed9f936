import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ERRORS, errorCodeDef } from '@apollo/federation-internals';
import type { ResponsePath } from './result-tree';

/**
 * An error a subgraph answered, as the gateway hands it to the client: its
 * path rewritten to the response path, `serviceName` added, and a code —
 * DOWNSTREAM_SERVICE_ERROR unless the subgraph gave one of its own.
 */
export function downstreamServiceError(
  error: GraphQLFormattedError,
  serviceName: string,
  path: ResponsePath | undefined,
): GraphQLError {
  const message = error.message || `Error while fetching subquery from service "${serviceName}"`;
  const options = {
    originalError: error as unknown as Error,
    path,
    extensions: { ...error.extensions, serviceName },
  };
  const codeDefinition = errorCodeDef(error as unknown as GraphQLError);
  if (!codeDefinition && error.extensions?.code) return new GraphQLError(message, options);
  return (codeDefinition ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}

/** A subgraph answered with an HTTP error status (the gateway's wording and extensions). */
export function httpStatusError(
  url: string,
  status: number,
  statusText: string,
  body: unknown,
): GraphQLError {
  const extensions: Record<string, unknown> = {
    response: { url, status, statusText, body },
  };
  if (status === 401) extensions.code = 'UNAUTHENTICATED';
  else if (status === 403) extensions.code = 'FORBIDDEN';
  return new GraphQLError(`${status}: ${statusText}`, { extensions });
}

/**
 * A failed subgraph call's error naming the subgraph (`extensions.serviceName`),
 * as errors the subgraph answered do: a bad HTTP status or body otherwise
 * reaches the client without saying which subgraph failed.
 */
export function taggedWithSubgraph(error: unknown, serviceName: string): GraphQLError {
  if (error instanceof GraphQLError) {
    if (error.extensions.serviceName !== undefined) return error;
    return new GraphQLError(error.message, {
      originalError: error.originalError ?? error,
      path: error.path,
      extensions: { ...error.extensions, serviceName },
    });
  }
  const cause = error instanceof Error ? error : new Error(String(error));
  return new GraphQLError(cause.message, { originalError: cause, extensions: { serviceName } });
}

/** The subgraph could not be reached or did not answer in time (undici's fetch wording). */
export function transportError(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}
