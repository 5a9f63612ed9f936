import type { RateDecision } from './rate-limiter';

/**
 * Failed sign-ins per key (a client address), slowed down as @shop/platform's
 * beginAttempt says: a few free, then a doubling wait.
 */
export interface FailedLoginStore {
  /** Counts an attempt as failed before it runs, or refuses it while the key must wait. */
  begin(key: string): Promise<RateDecision>;
  /** The attempt did not fail (or never ran): it stops counting. */
  forgive(key: string): Promise<void>;
  close(): Promise<void>;
}
