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

/** A token bucket per caller key. */
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
