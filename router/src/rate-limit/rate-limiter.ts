/** Whether one more request fits a caller's bucket, and if not, when one will. */
export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until the next request fits; 0 when allowed. */
  retryAfterSeconds: number;
}

export interface BucketSettings {
  /** Tokens added per second. */
  perSecond: number;
  /** Tokens a full bucket holds: the burst a quiet caller may send at once. */
  burst: number;
}

/**
 * A token bucket per caller key. Written here rather than taken from
 * rate-limiter-flexible (11.4, the well-kept one): its limiters count points
 * in fixed windows and it has no token bucket. With this router's defaults
 * (50/s, burst 100) a window of 100 points per 2 s lets a caller send 200
 * across a window's edge and makes a refused one wait up to 2 s, where the
 * bucket refills one token every 20 ms and its Retry-After is the next whole
 * token (5 s at 0.2/s: rate-limit.int.test.ts). Its RateLimiterQueue is a
 * leaky bucket that delays requests instead of refusing them.
 */
export interface RateLimiter {
  take(key: string): Promise<RateDecision>;
  close(): Promise<void>;
}

/** Seconds until `missing` tokens have been refilled, rounded up, at least 1. */
export function secondsToRefill(missing: number, perSecond: number): number {
  return Math.max(1, Math.ceil(missing / perSecond));
}

/** A hanging Redis fails a limit's command after this long, and the local store answers. */
export const LIMIT_COMMAND_TIMEOUT_MS = 500;
