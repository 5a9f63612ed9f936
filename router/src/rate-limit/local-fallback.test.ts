import { createLogger } from '@shop/platform';
import { LocalFallback } from './local-fallback';

describe('LocalFallback', () => {
  const lines: string[] = [];
  const log = createLogger('router', 'info', { write: (line) => lines.push(line) });
  let now = 0;
  const fallback = new LocalFallback('rate limits', log, () => now);
  let redisAnswers = true;
  let sharedCalls = 0;
  const shared = async () => {
    sharedCalls += 1;
    if (!redisAnswers) throw new Error('connect ECONNREFUSED');
    return 'shared';
  };
  const local = async () => 'local';
  const said = (text: string) => lines.filter((line) => line.includes(text)).length;

  it('answers from the shared store while it answers, from the local one while it fails, saying each switch once', async () => {
    expect(await fallback.run(shared, local)).toBe('shared');
    redisAnswers = false;
    for (let call = 0; call < 5; call += 1) expect(await fallback.run(shared, local)).toBe('local');
    expect(said('rate limits kept in this process while Redis does not answer')).toBe(1);

    // Within a second of a failure Redis is not asked at all; then once again.
    expect(sharedCalls).toBe(2);
    now += 1_000;
    expect(await fallback.run(shared, local)).toBe('local');
    expect(sharedCalls).toBe(3);

    redisAnswers = true;
    now += 1_000;
    for (let call = 0; call < 5; call += 1)
      expect(await fallback.run(shared, local)).toBe('shared');
    expect(said('rate limits kept in Redis again')).toBe(1);
    expect(said('kept in this process')).toBe(1);
  });
});
