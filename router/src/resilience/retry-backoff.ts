/** Statuses of a proxy or server that could not serve this time, where another try may succeed. */
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** A status that says the subgraph is failing (for its breaker), not that the request was bad. */
export function isFailureStatus(status: number): boolean {
  return status >= 500;
}

/**
 * The wait before retry number `retry` (1-based): exponential from `baseMs`,
 * with full jitter so the routers' retries after one blip spread out instead
 * of arriving together.
 */
export function backoffDelayMs(
  retry: number,
  baseMs: number,
  random: () => number = Math.random,
): number {
  return Math.round(random() * baseMs * 2 ** (retry - 1));
}
