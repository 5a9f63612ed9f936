import { z } from 'zod';
import { booleanFlag, type VariablesOf } from '@shop/platform';
import type { ResilienceSettings } from '../resilience/subgraph-resilience';

const SUBGRAPH_URL_PREFIX = 'SUBGRAPH_URL_';
const SUBGRAPH_TIMEOUT_PREFIX = 'SUBGRAPH_TIMEOUT_MS_';
const subgraphTimeoutMs = z.coerce.number().int().min(100);

/** How the router calls its subgraphs: where, how long it waits, how often it tries again. */
export const subgraphCallVariables = {
  /**
   * The time a subgraph call may take, its retries and their waits included;
   * then it fails with SUBGRAPH_TIMEOUT. SUBGRAPH_TIMEOUT_MS_<NAME> sets one
   * subgraph's (see `perSubgraphVariables`).
   * @default 10000
   */
  SUBGRAPH_TIMEOUT_MS: subgraphTimeoutMs.default(10_000),
  /**
   * Further tries of a query's subgraph call after a connection error or a
   * 502/503/504 (mutations are never sent twice).
   * @default 1
   */
  SUBGRAPH_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
  /**
   * The base of the jittered, doubling wait between tries.
   * @default 50
   */
  SUBGRAPH_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).default(50),
  /**
   * Consecutive failures that open a subgraph's circuit breaker (0: never);
   * while open, its calls fail at once with SUBGRAPH_UNAVAILABLE.
   * @default 5
   */
  SUBGRAPH_BREAKER_FAILURES: z.coerce.number().int().min(0).default(5),
  /**
   * How long an open breaker stays open before one trial call.
   * @default 2000
   */
  SUBGRAPH_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).default(2_000),
  /**
   * Identical query calls to a subgraph in flight at once share one HTTP call.
   * @default true
   */
  SUBGRAPH_DEDUPLICATION: booleanFlag(true),
  /**
   * The wait for each subgraph's readiness when /health is asked.
   * @default 2000
   */
  HEALTH_TIMEOUT_MS: z.coerce.number().int().min(100).default(2_000),
};

/** The env-var key of a subgraph name, for SUBGRAPH_URL_<NAME>: upper-cased, non-alphanumerics as _. */
export function subgraphEnvKey(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * The variables named after a subgraph that `env` sets, parsed with the
 * rest: SUBGRAPH_URL_<NAME> (e.g. SUBGRAPH_URL_PRODUCTS) overrides the
 * routing URL the supergraph was composed with, so one supergraph file
 * serves every environment; SUBGRAPH_TIMEOUT_MS_<NAME> overrides
 * SUBGRAPH_TIMEOUT_MS for that subgraph. Typed as no variable: they come
 * back through `subgraphCallSettingsOf`, by prefix.
 */
export function perSubgraphVariables(
  env: Record<string, string | undefined>,
): Record<never, never> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!value) continue;
    if (key.startsWith(SUBGRAPH_URL_PREFIX)) shape[key] = z.string().url();
    if (key.startsWith(SUBGRAPH_TIMEOUT_PREFIX)) shape[key] = subgraphTimeoutMs;
  }
  return shape;
}

/** The variables of `variables` named `<prefix><NAME>`, keyed by NAME. */
function byPrefix<T>(variables: object, prefix: string): Record<string, T> {
  return Object.fromEntries(
    Object.entries(variables)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value as T]),
  );
}

export function subgraphCallSettingsOf(variables: VariablesOf<typeof subgraphCallVariables>) {
  const resilience: ResilienceSettings = {
    timeoutMs: variables.SUBGRAPH_TIMEOUT_MS,
    timeoutOverridesMs: byPrefix<number>(variables, SUBGRAPH_TIMEOUT_PREFIX),
    retries: variables.SUBGRAPH_RETRIES,
    retryBackoffMs: variables.SUBGRAPH_RETRY_BACKOFF_MS,
    breakerFailures: variables.SUBGRAPH_BREAKER_FAILURES,
    breakerCoolDownMs: variables.SUBGRAPH_BREAKER_COOLDOWN_MS,
  };
  return {
    ...resilience,
    /** Routing URLs by subgraphEnvKey(name), over the supergraph's. */
    urls: byPrefix<string>(variables, SUBGRAPH_URL_PREFIX),
    deduplication: variables.SUBGRAPH_DEDUPLICATION,
    healthTimeoutMs: variables.HEALTH_TIMEOUT_MS,
  };
}

export type SubgraphCallSettings = ReturnType<typeof subgraphCallSettingsOf>;
