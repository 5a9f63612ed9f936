import { availableParallelism } from 'node:os';
import { z } from 'zod';

/**
 * ROUTER_WORKERS: processes serving the router's port (node:cluster forks),
 * a whole number or `auto` (one per available core). 1, the default, is one
 * process and no fork, as the embedded stack and the tests run it.
 */
export const routerWorkers = z
  .string()
  .default('1')
  .transform((value, context) => {
    if (value === 'auto') return availableParallelism();
    const workers = Number(value);
    if (Number.isInteger(workers) && workers >= 1) return workers;
    context.addIssue({ code: 'custom', message: 'a whole number from 1, or auto (one per core)' });
    return z.NEVER;
  });

/**
 * Why `workers` forks cannot serve with these settings, if they cannot.
 * Connections, not requests, are spread over the workers, so a per-client
 * limit kept in each worker's memory can neither be divided (a client on
 * one kept-alive connection would get 1/N of its rate, one on N connections
 * all of it) nor kept (N× the rate): it must be the shared one in Redis.
 */
export function workersConflict(
  workers: number,
  limits: { redisUrl?: string; ratePerSecond: number; loginMutations: string[] },
): string | undefined {
  if (workers === 1 || limits.redisUrl) return undefined;
  const inMemory = [
    ...(limits.ratePerSecond > 0 ? ['the rate limit (RATE_LIMIT_PER_SECOND=0 turns it off)'] : []),
    ...(limits.loginMutations.length > 0
      ? ['the sign-in throttle (LOGIN_MUTATIONS= turns it off)']
      : []),
  ];
  if (inMemory.length === 0) return undefined;
  return `ROUTER_WORKERS: more than 1 needs REDIS_URL; without it ${inMemory.join(' and ')} would count in each worker alone`;
}
