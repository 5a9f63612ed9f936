import { z } from 'zod';
import { commaList, ConfigError, type VariablesOf } from '@shop/platform';
import type { sharedServiceVariables } from '../shared-services.settings';
import type { LoginThrottleSettings } from './login-throttle';
import { rateLimitKeyPrefixOf, type rateLimitVariables } from './rate-limit.settings';

/**
 * Failed sign-ins per client address: free ones, then 429 RATE_LIMITED with
 * a wait doubling from 1 s up to a cap, counted in a window that opens at
 * the first failure. Wider than the users subgraph's per-account limits: an
 * office or a mobile carrier puts many people behind one address.
 */
export const loginThrottleVariables = {
  /**
   * Mutation fields whose UNAUTHENTICATED answer is a failed sign-in,
   * comma-separated (empty: no throttle).
   * @default 'login'
   */
  LOGIN_MUTATIONS: z.preprocess((value) => value ?? 'login', commaList),
  /**
   * Failures an address may have before it waits.
   * @default 30
   */
  LOGIN_ADDRESS_FREE_FAILURES: z.coerce.number().int().min(1).default(30),
  /**
   * The longest wait, in seconds.
   * @default 300
   */
  LOGIN_ADDRESS_MAX_DELAY_SECONDS: z.coerce.number().int().min(1).default(300),
  /**
   * How long an address's count lasts from its first failure; at least
   * LOGIN_ADDRESS_MAX_DELAY_SECONDS.
   * @default 3600
   */
  LOGIN_ADDRESS_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(60).default(3_600),
};

export function loginThrottleSettingsOf(
  variables: VariablesOf<
    typeof loginThrottleVariables & typeof rateLimitVariables & typeof sharedServiceVariables
  >,
): LoginThrottleSettings {
  if (variables.LOGIN_ADDRESS_FAILURE_WINDOW_SECONDS < variables.LOGIN_ADDRESS_MAX_DELAY_SECONDS) {
    // The window would end, and its count be forgotten, before the longest wait did.
    throw new ConfigError([
      'LOGIN_ADDRESS_FAILURE_WINDOW_SECONDS: must be at least LOGIN_ADDRESS_MAX_DELAY_SECONDS',
    ]);
  }
  return {
    mutations: variables.LOGIN_MUTATIONS,
    freeFailures: variables.LOGIN_ADDRESS_FREE_FAILURES,
    maxDelaySeconds: variables.LOGIN_ADDRESS_MAX_DELAY_SECONDS,
    windowSeconds: variables.LOGIN_ADDRESS_FAILURE_WINDOW_SECONDS,
    keyPrefix: `${rateLimitKeyPrefixOf(variables)}login-failures:`,
    redisUrl: variables.REDIS_URL,
  };
}
