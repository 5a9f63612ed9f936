import { secondsToRefill, type BucketSettings, type RateLimiter } from './rate-limiter';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Past this many callers, buckets that have refilled completely are dropped. */
const SWEEP_ABOVE = 10_000;

/** Buckets in this process's memory: one router instance, or no Redis. */
export function inProcessRateLimiter(
  settings: BucketSettings,
  now: () => number = Date.now,
): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const refill = (bucket: Bucket, at: number) =>
    Math.min(settings.burst, bucket.tokens + ((at - bucket.updatedAt) / 1000) * settings.perSecond);

  return {
    async take(key) {
      const at = now();
      if (buckets.size > SWEEP_ABOVE) {
        for (const [candidate, bucket] of buckets) {
          if (refill(bucket, at) >= settings.burst) buckets.delete(candidate);
        }
      }
      const bucket = buckets.get(key) ?? { tokens: settings.burst, updatedAt: at };
      bucket.tokens = refill(bucket, at);
      bucket.updatedAt = at;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true, retryAfterSeconds: 0 };
      }
      return {
        allowed: false,
        retryAfterSeconds: secondsToRefill(1 - bucket.tokens, settings.perSecond),
      };
    },
    async close() {
      buckets.clear();
    },
  };
}
