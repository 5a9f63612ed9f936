import { z } from 'zod';
import type { VariablesOf } from '@shop/platform';
import type { sharedServiceVariables } from '../shared-services.settings';
import type { RateLimitSettings } from './rate-limit-admission';

/**
 * A token bucket per caller at the router's door: per signed-in user, per
 * address when anonymous; counted in Redis with REDIS_URL (every instance
 * together), in this process without it and while Redis does not answer.
 */
export const rateLimitVariables = {
  /**
   * Requests a caller may make per second, on average (0 turns the limit off).
   * @default 50
   */
  RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).default(50),
  /**
   * Requests a quiet caller may send at once.
   * @default 100
   */
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(100),
  /**
   * The buckets' Redis key prefix.
   * @default EVENT_STREAM_PREFIX + 'rate-limit:'
   */
  RATE_LIMIT_KEY_PREFIX: z.string().optional(),
};

type Variables = VariablesOf<typeof rateLimitVariables & typeof sharedServiceVariables>;

/** Under the event namespace by default, so a namespaced deployment (or test) counts alone. */
export function rateLimitKeyPrefixOf(variables: Variables): string {
  return variables.RATE_LIMIT_KEY_PREFIX ?? `${variables.EVENT_STREAM_PREFIX}rate-limit:`;
}

export function rateLimitSettingsOf(variables: Variables): RateLimitSettings {
  return {
    perSecond: variables.RATE_LIMIT_PER_SECOND,
    burst: variables.RATE_LIMIT_BURST,
    keyPrefix: rateLimitKeyPrefixOf(variables),
    redisUrl: variables.REDIS_URL,
  };
}
