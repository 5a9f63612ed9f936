import type { RestrictableCachePolicy } from './cache-control';
import type { PathStep, ResponsePath, ResultObject } from './result-tree';
import type { RequestIdentity } from './request-identity';

/** What one request's plan execution shares among its fetches. */
export interface ExecutionState {
  readonly variables: Record<string, unknown>;
  /** Errors of fetches (subgraph errors, failed calls), in the order they happened. */
  readonly errors: unknown[];
  /** The tree every fetch merges its answer into; the response is shaped from it. */
  readonly data: ResultObject;
  readonly identity: RequestIdentity;
  readonly requestId: string | undefined;
  readonly cachePolicy: RestrictableCachePolicy | undefined;
  /** A query (not a mutation): its calls may be de-duplicated and cached. */
  readonly isQuery: boolean;
}

/** Where in the result tree a node runs: the values at its Flatten path. */
export interface Cursor {
  /** The Flatten path from the root, as the planner wrote it (with `@`). */
  readonly path: ResponsePath;
  readonly steps: readonly PathStep[];
  readonly data: unknown;
}
