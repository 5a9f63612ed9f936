import type { ExecutionResult } from 'graphql';
import type { CacheHint, RestrictableCachePolicy } from './cache-control';

interface Running {
  result: Promise<ExecutionResult>;
  /** Every hint the shared execution's subgraphs answered with so far. */
  hints: CacheHint[];
  /** The cache policies of every request sharing the execution. */
  policies: RestrictableCachePolicy[];
}

/**
 * Identical query operations in flight at the same time (same document,
 * operation name, variables and identity) share one execution: the
 * operation-level form of de-duplicating identical subgraph calls, which
 * also saves merging and shaping the same answers once per request. A
 * request that joins late still gets every cache hint the shared execution
 * has seen, so each response's cache policy is what its own execution would
 * have given. Never used for mutations.
 */
export class InFlightOperations {
  private readonly running = new Map<string, Running>();

  run(
    key: string,
    policy: RestrictableCachePolicy | undefined,
    execute: (policy: RestrictableCachePolicy) => Promise<ExecutionResult>,
  ): Promise<ExecutionResult> {
    const joined = this.running.get(key);
    if (joined) {
      if (policy) {
        for (const hint of joined.hints) policy.restrict(hint);
        joined.policies.push(policy);
      }
      return joined.result;
    }
    const running: Running = {
      result: undefined as unknown as Promise<ExecutionResult>,
      hints: [],
      policies: policy ? [policy] : [],
    };
    const sharedPolicy: RestrictableCachePolicy = {
      restrict(hint) {
        running.hints.push(hint);
        for (const each of running.policies) each.restrict(hint);
      },
    };
    running.result = execute(sharedPolicy).finally(() => this.running.delete(key));
    this.running.set(key, running);
    return running.result;
  }
}
