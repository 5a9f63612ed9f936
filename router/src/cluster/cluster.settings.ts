import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { ConfigError, type VariablesOf } from '@shop/platform';
import type { loginThrottleVariables } from '../rate-limit/login-throttle.settings';
import type { rateLimitVariables } from '../rate-limit/rate-limit.settings';
import type { sharedServiceVariables } from '../shared-services.settings';

/** The router on more than one core: forks of one process sharing its port (node:cluster). */
export const clusterVariables = {
  /**
   * Processes serving the router's port, each a whole router (caches,
   * de-duplication, breakers and connection limits are each one's): a whole
   * number, or `auto` for one per available core. 1 is one process and no
   * fork, as the embedded stack and the tests run it. More than 1 needs
   * REDIS_URL while a per-client limit is on.
   * @default 1
   */
  ROUTER_WORKERS: z
    .string()
    .default('1')
    .transform((value, context) => {
      if (value === 'auto') return availableParallelism();
      const workers = Number(value);
      if (Number.isInteger(workers) && workers >= 1) return workers;
      context.addIssue({
        code: 'custom',
        message: 'a whole number from 1, or auto (one per core)',
      });
      return z.NEVER;
    }),
};

type Variables = VariablesOf<
  typeof clusterVariables &
    typeof sharedServiceVariables &
    typeof rateLimitVariables &
    typeof loginThrottleVariables
>;

export interface ClusterSettings {
  /** Processes sharing the port (node:cluster), each a whole router. */
  workers: number;
}

/**
 * Refuses forks without REDIS_URL while a per-client limit is on.
 * Connections, not requests, are spread over the workers, so a limit kept
 * in each worker's memory can neither be divided (a client on one
 * kept-alive connection would get 1/N of its rate, one on N connections all
 * of it) nor kept (N× the rate): it must be the shared one in Redis.
 */
export function clusterSettingsOf(variables: Variables): ClusterSettings {
  const workers = variables.ROUTER_WORKERS;
  if (workers > 1 && !variables.REDIS_URL) {
    const inMemory = [
      ...(variables.RATE_LIMIT_PER_SECOND > 0
        ? ['the rate limit (RATE_LIMIT_PER_SECOND=0 turns it off)']
        : []),
      ...(variables.LOGIN_MUTATIONS.length > 0
        ? ['the sign-in throttle (LOGIN_MUTATIONS= turns it off)']
        : []),
    ];
    if (inMemory.length > 0) {
      throw new ConfigError([
        `ROUTER_WORKERS: more than 1 needs REDIS_URL; without it ${inMemory.join(' and ')} would count in each worker alone`,
      ]);
    }
  }
  return { workers };
}
