import { ConfigError } from '@shop/platform';
import { loadUsersConfig } from './config';

const DATABASE_URL_USERS = 'postgresql://postgres@127.0.0.1:5432/shop?schema=users';

describe('loadUsersConfig', () => {
  it('defaults the port and the seeded admin', () => {
    expect(loadUsersConfig({ DATABASE_URL_USERS })).toMatchObject({
      port: 4001,
      databaseUrl: DATABASE_URL_USERS,
      seedAdmin: { email: 'admin@shop.local', password: 'admin-dev-password' },
    });
  });

  it('reads the admin from SEED_ADMIN_EMAIL and SEED_ADMIN_PASSWORD', () => {
    const config = loadUsersConfig({
      DATABASE_URL_USERS,
      USERS_PORT: '5001',
      SEED_ADMIN_EMAIL: 'owner@example.com',
      SEED_ADMIN_PASSWORD: 'a-long-enough-password',
    });
    expect(config.port).toBe(5001);
    expect(config.seedAdmin).toEqual({
      email: 'owner@example.com',
      password: 'a-long-enough-password',
    });
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadUsersConfig({ SEED_ADMIN_EMAIL: 'not an email', SEED_ADMIN_PASSWORD: 'short' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const variables = (error as ConfigError).problems.map((problem) => problem.split(':')[0]);
    expect(variables.sort()).toEqual([
      'DATABASE_URL_USERS',
      'SEED_ADMIN_EMAIL',
      'SEED_ADMIN_PASSWORD',
    ]);
  });
});
