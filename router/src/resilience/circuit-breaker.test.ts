import { createLogger } from '@shop/platform';
import { CircuitBreaker, REFUSED } from './circuit-breaker';
import { backoffDelayMs } from './retry-backoff';

describe('CircuitBreaker', () => {
  // Cockatiel reads the time from Date.now, which the fake clock moves.
  beforeEach(() => jest.useFakeTimers({ now: 0, doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  const breakerWith = (failureThreshold: number) =>
    new CircuitBreaker<boolean>(
      'inventory',
      { failureThreshold, coolDownMs: 1_000 },
      (ok) => !ok,
      createLogger('test', 'silent'),
    );
  const succeed = () => Promise.resolve(true);
  const fail = () => Promise.resolve(false);

  it('opens after the threshold of consecutive failures, not after scattered ones', async () => {
    const breaker = breakerWith(3);
    for (const call of [fail, fail, succeed, fail, fail]) await breaker.run(call);
    expect(breaker.state).toBe('closed');
    await breaker.run(fail);
    expect(breaker.state).toBe('open');
    const notCalled = jest.fn(succeed);
    expect(await breaker.run(notCalled)).toBe(REFUSED);
    expect(notCalled).not.toHaveBeenCalled();
  });

  it('lets one trial through after the cool-down; the calls meanwhile wait for its outcome', async () => {
    const breaker = breakerWith(1);
    await breaker.run(fail);
    jest.setSystemTime(999);
    expect(await breaker.run(succeed)).toBe(REFUSED);
    jest.setSystemTime(1_000);
    let endTrial!: (ok: boolean) => void;
    const trial = breaker.run(() => new Promise<boolean>((resolve) => (endTrial = resolve)));
    expect(breaker.state).toBe('half-open');
    const second = jest.fn(succeed);
    const waiting = breaker.run(second);
    await Promise.resolve();
    expect(second).not.toHaveBeenCalled();
    endTrial(true);
    expect(await trial).toBe(true);
    expect(await waiting).toBe(true);
    expect(breaker.state).toBe('closed');
  });

  it('opens again for a whole cool-down when the trial fails', async () => {
    const breaker = breakerWith(1);
    await breaker.run(fail);
    jest.setSystemTime(1_000);
    expect(await breaker.run(fail)).toBe(false);
    expect(breaker.state).toBe('open');
    jest.setSystemTime(1_999);
    expect(await breaker.run(succeed)).toBe(REFUSED);
    jest.setSystemTime(2_000);
    expect(await breaker.run(succeed)).toBe(true);
  });

  it('never opens with a threshold of 0', async () => {
    const breaker = breakerWith(0);
    for (let failure = 0; failure < 100; failure++) await breaker.run(fail);
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
