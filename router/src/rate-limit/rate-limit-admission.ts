import type { IncomingMessage } from 'node:http';
import type { Identity } from '@shop/identity';
import { RateLimitedError, type Logger } from '@shop/platform';
import { inProcessRateLimiter } from './in-process-rate-limiter';
import type { BucketSettings, RateLimiter } from './rate-limiter';
import { redisRateLimiter } from './redis-rate-limiter';

export interface RateLimitSettings extends BucketSettings {
  /** Buckets shared through this Redis by every router instance; in memory without it. */
  redisUrl?: string;
  keyPrefix: string;
}

export interface RateLimitAdmission {
  /** Takes a token for the caller, or throws RATE_LIMITED (HTTP 429, Retry-After). */
  admit(identity: Identity, req: IncomingMessage): Promise<void>;
  close(): Promise<void>;
}

/**
 * A signed-in caller's bucket follows its JWT subject across addresses; an
 * anonymous caller's is its peer address. The router does not read
 * X-Forwarded-For: behind a proxy every client would share the proxy's
 * address, which the proxy should then limit itself.
 */
export function rateLimitKey(identity: Identity, req: IncomingMessage): string {
  if (identity.kind === 'user') return `user:${identity.userId}`;
  if (identity.kind === 'service') return `service:${identity.service}`;
  return `ip:${req.socket.remoteAddress ?? 'unknown'}`;
}

/** The rate limit at the router's door; undefined when RATE_LIMIT_PER_SECOND is 0. */
export function createRateLimitAdmission(
  settings: RateLimitSettings,
  log: Logger,
): RateLimitAdmission | undefined {
  if (settings.perSecond <= 0) return undefined;
  const limiter: RateLimiter = settings.redisUrl
    ? redisRateLimiter({ ...settings, redisUrl: settings.redisUrl, log })
    : inProcessRateLimiter(settings);
  return {
    async admit(identity, req) {
      const decision = await limiter.take(rateLimitKey(identity, req));
      if (decision.allowed) return;
      throw new RateLimitedError(
        `Too many requests; retry in ${decision.retryAfterSeconds} s`,
        decision.retryAfterSeconds,
      );
    },
    close: () => limiter.close(),
  };
}
