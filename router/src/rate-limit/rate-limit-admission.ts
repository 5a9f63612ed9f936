import type { IncomingMessage } from 'node:http';
import type { Identity } from '@shop/identity';
import { RateLimitedError, type Logger } from '@shop/platform';
import { clientAddressOf } from '../client-address';
import { callerKindOf, type CallerKind } from '../observability/protection-metrics';
import { inProcessRateLimiter } from './in-process-rate-limiter';
import { LocalFallback } from './local-fallback';
import type { BucketSettings, RateLimiter } from './rate-limiter';
import { redisRateLimiter } from './redis-rate-limiter';

export interface RateLimitSettings extends BucketSettings {
  /**
   * Buckets shared through this Redis by every router instance, in this
   * process's memory while it does not answer; in memory only without it.
   */
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
 * anonymous caller's is its address (clientAddressOf). The router does not
 * read X-Forwarded-For: behind a proxy every client would share the proxy's
 * address, which the proxy should then limit itself.
 */
export function rateLimitKey(identity: Identity, req: IncomingMessage): string {
  if (identity.kind === 'user') return `user:${identity.userId}`;
  if (identity.kind === 'service') return `service:${identity.service}`;
  return `ip:${clientAddressOf(req)}`;
}

/**
 * The rate limit at the router's door; undefined when RATE_LIMIT_PER_SECOND
 * is 0. `countRefusal` hears of every refusal (router_rate_limit_refusals_total).
 */
export async function createRateLimitAdmission(
  settings: RateLimitSettings,
  log: Logger,
  countRefusal: (caller: CallerKind) => void = () => undefined,
): Promise<RateLimitAdmission | undefined> {
  if (settings.perSecond <= 0) return undefined;
  const local = inProcessRateLimiter(settings);
  const limiter: RateLimiter = settings.redisUrl
    ? withLocalFallback(
        await redisRateLimiter({ ...settings, redisUrl: settings.redisUrl, log }),
        local,
        log,
      )
    : local;
  return {
    async admit(identity, req) {
      const decision = await limiter.take(rateLimitKey(identity, req));
      if (decision.allowed) return;
      countRefusal(callerKindOf(identity));
      throw new RateLimitedError(
        `Too many requests; retry in ${decision.retryAfterSeconds} s`,
        decision.retryAfterSeconds,
      );
    },
    close: () => limiter.close(),
  };
}

/** Redis's buckets while it answers, this process's own while it does not. */
function withLocalFallback(shared: RateLimiter, local: RateLimiter, log: Logger): RateLimiter {
  const fallback = new LocalFallback('rate limits', log);
  return {
    take: (key) =>
      fallback.run(
        () => shared.take(key),
        () => local.take(key),
      ),
    async close() {
      await shared.close();
      await local.close();
    },
  };
}
