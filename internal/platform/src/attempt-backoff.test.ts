import { backoffDelaySeconds, beginAttempt, type FailureRecord } from './attempt-backoff';

const settings = { freeFailures: 3, maxDelaySeconds: 60, windowSeconds: 3_600 };

/** Attempts at the given seconds, each failing; the answers in order. */
function attemptsAt(seconds: number[]) {
  let record: FailureRecord | undefined;
  return seconds.map((second) => {
    const decision = beginAttempt(record, second * 1000, settings);
    if (decision.allowed) record = decision.record;
    return decision.allowed ? 'allowed' : decision.retryAfterSeconds;
  });
}

describe('attempt backoff', () => {
  it('waits 0 s for the free failures, then 1 s doubling up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 8, 9, 20].map((n) => backoffDelaySeconds(n, settings))).toEqual([
      0, 0, 0, 1, 2, 4, 32, 60, 60,
    ]);
  });

  it('allows the free failures at once, then refuses until the wait has passed', () => {
    expect(attemptsAt([0, 0, 0, 0, 0.5, 1, 1, 3, 6.5])).toEqual([
      'allowed',
      'allowed',
      'allowed',
      1, // three failures: 1 s from the last attempt
      1,
      'allowed',
      2, // four: 2 s
      'allowed',
      1, // five: 4 s from 3 s, 0.5 s left, rounded up
    ]);
  });

  it('counts a burst of simultaneous attempts like a sequence', () => {
    expect(attemptsAt(Array<number>(10).fill(100))).toEqual([
      'allowed',
      'allowed',
      'allowed',
      ...Array<number>(7).fill(1),
    ]);
  });

  it('forgets the count when the window that opened at the first failure ends', () => {
    const [, , , , late] = attemptsAt([0, 1, 2, 3, 3_600]);
    expect(late).toBe('allowed');
    const record = { failures: 9, windowStartedAt: 0, lastAttemptAt: 3_599_000 };
    expect(beginAttempt(record, 3_600_000, settings)).toEqual({
      allowed: true,
      record: { failures: 1, windowStartedAt: 3_600_000, lastAttemptAt: 3_600_000 },
    });
  });
});
