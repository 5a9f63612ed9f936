/**
 * How failed attempts of one key (an account, a client address) slow its
 * next ones down: a few free, then a wait that doubles with each failure.
 */
export interface AttemptBackoffSettings {
  /** Failures in a window before any wait. */
  freeFailures: number;
  /** The longest wait between two attempts. */
  maxDelaySeconds: number;
  /**
   * A window opens at the first failure and its count is forgotten when it
   * ends, whatever happened since: a busy shared address whose failures
   * trickle in all day never adds them up.
   */
  windowSeconds: number;
}

/** A key's attempts in its current window; times in ms since the epoch. */
export interface FailureRecord {
  /** Attempts that failed, or have not yet proved they did not. */
  failures: number;
  windowStartedAt: number;
  lastAttemptAt: number;
}

export type AttemptDecision =
  { allowed: true; record: FailureRecord } | { allowed: false; retryAfterSeconds: number };

/** The wait after `failures` failures: none while free, then 1 s, 2 s, 4 s … up to the cap. */
export function backoffDelaySeconds(failures: number, settings: AttemptBackoffSettings): number {
  if (failures < settings.freeFailures) return 0;
  return Math.min(settings.maxDelaySeconds, 2 ** (failures - settings.freeFailures));
}

/**
 * Whether an attempt may run at `now` and, when it may, the key's record
 * with that attempt counted as a failure until it proves otherwise. Counting
 * before the attempt runs makes a burst of simultaneous attempts wait as a
 * sequence of them would; a success takes its count back (or clears the key).
 */
export function beginAttempt(
  record: FailureRecord | undefined,
  now: number,
  settings: AttemptBackoffSettings,
): AttemptDecision {
  const current =
    record && now - record.windowStartedAt < settings.windowSeconds * 1000
      ? record
      : { failures: 0, windowStartedAt: now, lastAttemptAt: now };
  const waitUntil = current.lastAttemptAt + backoffDelaySeconds(current.failures, settings) * 1000;
  if (now < waitUntil) {
    return { allowed: false, retryAfterSeconds: Math.ceil((waitUntil - now) / 1000) };
  }
  return {
    allowed: true,
    record: { ...current, failures: current.failures + 1, lastAttemptAt: now },
  };
}
