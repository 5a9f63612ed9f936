import type Redis from 'ioredis';
import { closeRedis, connectFailFastRedis } from '@shop/events';
import type { AttemptBackoffSettings, Logger } from '@shop/platform';
import type { FailedLoginStore } from './failed-login-store';
import { LIMIT_COMMAND_TIMEOUT_MS } from './rate-limiter';

/**
 * @shop/platform's beginAttempt as one atomic step on a hash {failures,
 * windowStartedAt, lastAttemptAt} (ms, Redis's own clock), kept until its
 * window ends. Returns {allowed (1/0), seconds to wait}.
 */
const BEGIN_ATTEMPT = `
local free = tonumber(ARGV[1])
local maxDelay = tonumber(ARGV[2])
local window = tonumber(ARGV[3]) * 1000
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'failures', 'windowStartedAt', 'lastAttemptAt')
local failures = tonumber(state[1]) or 0
local started = tonumber(state[2]) or now
local last = tonumber(state[3]) or now
if now - started >= window then
  failures = 0
  started = now
  last = now
end
local delay = 0
if failures >= free then delay = math.min(maxDelay, 2 ^ (failures - free)) * 1000 end
if now < last + delay then return {0, math.ceil((last + delay - now) / 1000)} end
redis.call('HSET', KEYS[1], 'failures', failures + 1, 'windowStartedAt', started, 'lastAttemptAt', now)
redis.call('PEXPIREAT', KEYS[1], started + window)
return {1, 0}
`;

/** Takes back one counted attempt, never below none. */
const FORGIVE_ATTEMPT = `
local failures = tonumber(redis.call('HGET', KEYS[1], 'failures'))
if failures and failures > 0 then redis.call('HINCRBY', KEYS[1], 'failures', -1) end
return 0
`;

interface FailedLoginRedis extends Redis {
  beginAttempt(
    key: string,
    free: number,
    maxDelay: number,
    window: number,
  ): Promise<[number, number]>;
  forgiveAttempt(key: string): Promise<number>;
}

export interface RedisFailedLoginsOptions extends AttemptBackoffSettings {
  redisUrl: string;
  keyPrefix: string;
  log: Logger;
}

/** Failed sign-ins in Redis, counted by every router instance together; fails when Redis does. */
export async function redisFailedLogins(
  options: RedisFailedLoginsOptions,
): Promise<FailedLoginStore> {
  const redis = (await connectFailFastRedis(
    options.redisUrl,
    options.log,
    'failed logins per address',
    LIMIT_COMMAND_TIMEOUT_MS,
  )) as FailedLoginRedis;
  redis.defineCommand('beginAttempt', { numberOfKeys: 1, lua: BEGIN_ATTEMPT });
  redis.defineCommand('forgiveAttempt', { numberOfKeys: 1, lua: FORGIVE_ATTEMPT });

  return {
    async begin(key) {
      const [allowed, retryAfterSeconds] = await redis.beginAttempt(
        `${options.keyPrefix}${key}`,
        options.freeFailures,
        options.maxDelaySeconds,
        options.windowSeconds,
      );
      return { allowed: allowed === 1, retryAfterSeconds };
    },
    async forgive(key) {
      await redis.forgiveAttempt(`${options.keyPrefix}${key}`);
    },
    close: () => closeRedis(redis),
  };
}
