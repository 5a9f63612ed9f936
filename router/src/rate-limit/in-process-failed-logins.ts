import { beginAttempt, type AttemptBackoffSettings, type FailureRecord } from '@shop/platform';
import type { FailedLoginStore } from './failed-login-store';

/** Past this many keys, those whose window has ended are dropped. */
const SWEEP_ABOVE = 10_000;

/** Failed sign-ins in this process's memory: one router instance, or Redis away. */
export function inProcessFailedLogins(
  settings: AttemptBackoffSettings,
  now: () => number = Date.now,
): FailedLoginStore {
  const records = new Map<string, FailureRecord>();
  const windowMs = settings.windowSeconds * 1000;

  return {
    async begin(key) {
      const at = now();
      if (records.size > SWEEP_ABOVE) {
        for (const [candidate, record] of records) {
          if (at - record.windowStartedAt >= windowMs) records.delete(candidate);
        }
      }
      const attempt = beginAttempt(records.get(key), at, settings);
      if (!attempt.allowed) return { allowed: false, retryAfterSeconds: attempt.retryAfterSeconds };
      records.set(key, attempt.record);
      return { allowed: true, retryAfterSeconds: 0 };
    },
    async forgive(key) {
      const record = records.get(key);
      if (record && record.failures > 0)
        records.set(key, { ...record, failures: record.failures - 1 });
    },
    async close() {
      records.clear();
    },
  };
}
