import { blockedUntil, declinesSince } from './fraud';

const settings = {
  maxDeclines: 5,
  windowMinutes: 10,
  blockMinutes: 30,
  reviewThreshold: 1,
  reviewMaxPerCustomer: 1,
};
const NOW = new Date('2026-11-21T12:00:00Z');
const minutesAgo = (...minutes: number[]) =>
  minutes.map((ago) => new Date(NOW.getTime() - ago * 60_000));

describe('fraud block', () => {
  it('blocks after more than maxDeclines declines within the window, for blockMinutes', () => {
    expect(blockedUntil(minutesAgo(9, 8, 7, 6, 5), settings, NOW)).toBeNull();
    expect(blockedUntil(minutesAgo(9, 8, 7, 6, 5, 4), settings, NOW)).toEqual(
      new Date(NOW.getTime() + 26 * 60_000),
    );
  });

  it('does not block when the declines spread over more than the window', () => {
    expect(blockedUntil(minutesAgo(21, 16, 12, 8, 4, 0), settings, NOW)).toBeNull();
  });

  it('lifts the block once the block period has passed', () => {
    expect(blockedUntil(minutesAgo(35, 34, 33, 32, 31, 30), settings, NOW)).toBeNull();
    expect(blockedUntil(minutesAgo(35, 34, 33, 32, 31, 29), settings, NOW)).not.toBeNull();
    expect(declinesSince(settings, NOW)).toEqual(new Date(NOW.getTime() - 40 * 60_000));
  });
});
