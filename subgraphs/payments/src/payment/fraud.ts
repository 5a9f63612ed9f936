import type { FraudSettings } from '../config';

const MINUTE = 60_000;

/**
 * Until when a user is blocked, given the times of their recent declined
 * attempts (oldest first): a block starts at any decline that makes more than
 * `maxDeclines` within one window, and lasts `blockMinutes`. Null when not
 * blocked at `now`.
 */
export function blockedUntil(
  declines: readonly Date[],
  settings: FraudSettings,
  now: Date,
): Date | null {
  let until = 0;
  for (let index = settings.maxDeclines; index < declines.length; index += 1) {
    const last = declines[index]!.getTime();
    const first = declines[index - settings.maxDeclines]!.getTime();
    if (last - first <= settings.windowMinutes * MINUTE) {
      until = Math.max(until, last + settings.blockMinutes * MINUTE);
    }
  }
  return until > now.getTime() ? new Date(until) : null;
}

/** How far back declines can still matter for a block at `now`. */
export function declinesSince(settings: FraudSettings, now: Date): Date {
  return new Date(now.getTime() - (settings.windowMinutes + settings.blockMinutes) * MINUTE);
}
