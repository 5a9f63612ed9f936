import type Redis from 'ioredis';
import { closeRedis, connectFailFastRedis } from '@shop/events';
import type { Logger } from '@shop/platform';
import {
  LIMIT_COMMAND_TIMEOUT_MS,
  secondsToRefill,
  type BucketSettings,
  type RateLimiter,
} from './rate-limiter';

/**
 * One atomic step of a token bucket kept in a hash {tokens, at}: refill for
 * the time passed, take one token if there is one, and keep the key only as
 * long as the bucket takes to fill again. Time is Redis's own, so router
 * instances with drifting clocks share one bucket fairly.
 * Returns {allowed (1/0), tokens left as a string}.
 */
const TAKE_TOKEN = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
return {allowed, tostring(tokens)}
`;

interface TokenBucketRedis extends Redis {
  takeToken(key: string, perSecond: number, burst: number): Promise<[number, string]>;
}

export interface RedisRateLimiterOptions extends BucketSettings {
  redisUrl: string;
  /** Prefixes every bucket key, e.g. per deployment or per test run. */
  keyPrefix: string;
  log: Logger;
}

/**
 * Buckets in Redis, shared by every router instance. A take fails when
 * Redis does not answer; the admission then takes from this process's own
 * buckets instead (LocalFallback), never lets the request through unlimited.
 */
export async function redisRateLimiter(options: RedisRateLimiterOptions): Promise<RateLimiter> {
  const redis = (await connectFailFastRedis(
    options.redisUrl,
    options.log,
    'rate limits',
    LIMIT_COMMAND_TIMEOUT_MS,
  )) as TokenBucketRedis;
  redis.defineCommand('takeToken', { numberOfKeys: 1, lua: TAKE_TOKEN });

  return {
    async take(key) {
      const [allowed, tokens] = await redis.takeToken(
        `${options.keyPrefix}${key}`,
        options.perSecond,
        options.burst,
      );
      if (allowed === 1) return { allowed: true, retryAfterSeconds: 0 };
      return {
        allowed: false,
        retryAfterSeconds: secondsToRefill(1 - Number(tokens), options.perSecond),
      };
    },
    close: () => closeRedis(redis),
  };
}
