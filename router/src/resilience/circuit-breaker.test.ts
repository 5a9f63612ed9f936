import { createLogger } from '@shop/platform';
import { CircuitBreaker } from './circuit-breaker';
import { backoffDelayMs } from './retry-backoff';

describe('CircuitBreaker', () => {
  let now: number;
  const breakerWith = (failureThreshold: number) =>
    new CircuitBreaker(
      'inventory',
      { failureThreshold, coolDownMs: 1_000 },
      createLogger('test', 'silent'),
      () => now,
    );

  beforeEach(() => {
    now = 0;
  });

  it('opens after the threshold of consecutive failures, not after scattered ones', () => {
    const breaker = breakerWith(3);
    breaker.failed();
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    breaker.failed();
    expect(breaker.state).toBe('closed');
    breaker.failed();
    expect(breaker.state).toBe('open');
    expect(breaker.admit()).toBe(false);
  });

  it('lets exactly one trial through after the cool-down', () => {
    const breaker = breakerWith(1);
    breaker.failed();
    now = 999;
    expect(breaker.admit()).toBe(false);
    now = 1_000;
    expect(breaker.admit()).toBe(true);
    expect(breaker.state).toBe('half-open');
    expect(breaker.admit()).toBe(false);
    breaker.succeeded();
    expect(breaker.state).toBe('closed');
    expect(breaker.admit()).toBe(true);
    expect(breaker.admit()).toBe(true);
  });

  it('opens again for a whole cool-down when the trial fails', () => {
    const breaker = breakerWith(1);
    breaker.failed();
    now = 1_000;
    expect(breaker.admit()).toBe(true);
    breaker.failed();
    expect(breaker.state).toBe('open');
    now = 1_999;
    expect(breaker.admit()).toBe(false);
    now = 2_000;
    expect(breaker.admit()).toBe(true);
  });

  it('never opens with a threshold of 0', () => {
    const breaker = breakerWith(0);
    for (let failure = 0; failure < 100; failure++) breaker.failed();
    expect(breaker.state).toBe('closed');
  });
});

describe('backoffDelayMs', () => {
  it('grows exponentially within its jitter', () => {
    expect(backoffDelayMs(1, 50, () => 0.999)).toBe(50);
    expect(backoffDelayMs(3, 50, () => 0.999)).toBe(200);
    expect(backoffDelayMs(3, 50, () => 0)).toBe(0);
    expect(backoffDelayMs(2, 50, () => 0.5)).toBe(50);
  });
});
