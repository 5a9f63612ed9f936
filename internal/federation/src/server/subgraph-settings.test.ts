import { ConfigError } from '@shop/platform';
import { DEFAULT_EVENT_LINGER_MS, loadSubgraphSettings } from './subgraph-settings';

const VALID = 'postgresql://postgres@127.0.0.1:5432/shop_orders?schema=orders';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadSubgraphSettings('orders', { NODE_ENV: 'test', ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('a subgraph’s database and events URLs', () => {
  it('takes a PostgreSQL URL naming its schema', () => {
    expect(problemsOf({ DATABASE_URL_ORDERS: VALID })).toEqual([]);
  });

  it('refuses another database’s URL, naming the variable', () => {
    expect(
      problemsOf({ DATABASE_URL_ORDERS: 'mysql://root@127.0.0.1:3306/shop?schema=orders' }),
    ).toEqual([
      'DATABASE_URL_ORDERS: must be a postgres:// or postgresql:// URL: PostgreSQL is the database',
    ]);
  });

  it('refuses a URL that names no schema instead of starting in public', () => {
    expect(
      problemsOf({ DATABASE_URL_ORDERS: 'postgresql://postgres@127.0.0.1:5432/shop' }),
    ).toEqual([
      'DATABASE_URL_ORDERS: names no ?schema=: add the PostgreSQL schema its tables live in (e.g. ?schema=orders)',
    ]);
  });

  it('refuses an empty or unparsable URL with one problem, not a thrown TypeError', () => {
    for (const url of ['', 'not a url']) {
      const problems = problemsOf({ DATABASE_URL_ORDERS: url });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^DATABASE_URL_ORDERS: /);
    }
  });

  it('refuses an events database that is not PostgreSQL', () => {
    expect(
      problemsOf({
        DATABASE_URL_ORDERS: VALID,
        EVENTS_DATABASE_URL: 'mysql://root@127.0.0.1/events',
      }),
    ).toEqual([
      'EVENTS_DATABASE_URL: must be a postgres:// or postgresql:// URL: PostgreSQL is the database',
    ]);
  });
});

describe('how long events gather (EVENT_LINGER_MS)', () => {
  const settings = (env: Record<string, string>) =>
    loadSubgraphSettings('orders', { NODE_ENV: 'test', DATABASE_URL_ORDERS: VALID, ...env });

  it('is DEFAULT_EVENT_LINGER_MS unless set, and 0 turns it off', () => {
    expect(settings({}).eventLingerMs).toBe(DEFAULT_EVENT_LINGER_MS);
    expect(settings({ EVENT_LINGER_MS: '0' }).eventLingerMs).toBe(0);
  });

  it('refuses a negative, fractional or longer than a second linger, naming the variable', () => {
    for (const value of ['-1', '2.5', '1001', 'soon']) {
      const problems = problemsOf({ DATABASE_URL_ORDERS: VALID, EVENT_LINGER_MS: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^EVENT_LINGER_MS: /);
    }
  });
});
