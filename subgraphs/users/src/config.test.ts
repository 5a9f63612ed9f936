import { generateKeyPairSync } from 'node:crypto';
import { developmentKeyPair } from '@shop/identity';
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

  it('signs with the development key outside production, 15-minute access and 7-day refresh tokens', () => {
    expect(loadUsersConfig({ DATABASE_URL_USERS }).tokens).toEqual({
      privateKeyPem: developmentKeyPair().privateKeyPem,
      issuer: 'shop-users',
      audience: 'shop-supergraph',
      accessTokenTtlSeconds: 900,
      refreshTokenTtlDays: 7,
    });
  });

  it('reads the token settings, with a key whose newlines are written as \\n', () => {
    const pem = generateKeyPairSync('ed25519')
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    const config = loadUsersConfig({
      DATABASE_URL_USERS,
      JWT_PRIVATE_KEY: pem.replace(/\n/g, '\\n'),
      JWT_ISSUER: 'issuer',
      JWT_AUDIENCE: 'audience',
      ACCESS_TOKEN_TTL_SECONDS: '300',
      REFRESH_TOKEN_TTL_DAYS: '30',
    });
    expect(config.tokens).toEqual({
      privateKeyPem: pem,
      issuer: 'issuer',
      audience: 'audience',
      accessTokenTtlSeconds: 300,
      refreshTokenTtlDays: 30,
    });
  });

  it('requires JWT_PRIVATE_KEY in production', () => {
    const production = {
      DATABASE_URL_USERS,
      NODE_ENV: 'production',
      IDENTITY_SECRET: 'a-production-secret-of-at-least-32-characters',
    };
    expect(() => loadUsersConfig(production)).toThrow(/JWT_PRIVATE_KEY: required/);
  });

  it('names both missing secrets of the process in one ConfigError', () => {
    let error: unknown;
    try {
      loadUsersConfig({ DATABASE_URL_USERS, NODE_ENV: 'production' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.sort()).toEqual([
      'IDENTITY_SECRET: required when NODE_ENV=production',
      'JWT_PRIVATE_KEY: required when NODE_ENV=production',
    ]);
  });

  it('refuses a JWT_PRIVATE_KEY that is not an Ed25519 private key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    for (const key of ['not a key', rsa, developmentKeyPair().publicKeyPem]) {
      expect(() => loadUsersConfig({ DATABASE_URL_USERS, JWT_PRIVATE_KEY: key })).toThrow(
        /JWT_PRIVATE_KEY: must be an Ed25519 private key/,
      );
    }
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
      loadUsersConfig({
        SEED_ADMIN_EMAIL: 'not an email',
        SEED_ADMIN_PASSWORD: 'short',
        ACCESS_TOKEN_TTL_SECONDS: '5',
        REFRESH_TOKEN_TTL_DAYS: 'forever',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const variables = (error as ConfigError).problems.map((problem) => problem.split(':')[0]);
    expect(variables.sort()).toEqual([
      'ACCESS_TOKEN_TTL_SECONDS',
      'DATABASE_URL_USERS',
      'REFRESH_TOKEN_TTL_DAYS',
      'SEED_ADMIN_EMAIL',
      'SEED_ADMIN_PASSWORD',
    ]);
  });

  it('throttles failed logins per account: 5 free, waits up to 15 minutes, a day to forget', () => {
    expect(loadUsersConfig({ DATABASE_URL_USERS }).loginThrottle).toEqual({
      freeFailures: 5,
      maxDelaySeconds: 900,
      windowSeconds: 86_400,
    });
    expect(
      loadUsersConfig({ DATABASE_URL_USERS, LOGIN_ACCOUNT_FREE_FAILURES: '10' }).loginThrottle
        .freeFailures,
    ).toBe(10);
    expect(() => loadUsersConfig({ DATABASE_URL_USERS, LOGIN_ACCOUNT_FREE_FAILURES: '0' })).toThrow(
      /LOGIN_ACCOUNT_FREE_FAILURES/,
    );
    expect(() =>
      loadUsersConfig({
        DATABASE_URL_USERS,
        LOGIN_ACCOUNT_MAX_DELAY_SECONDS: '3600',
        LOGIN_ACCOUNT_FAILURE_WINDOW_SECONDS: '600',
      }),
    ).toThrow(/LOGIN_ACCOUNT_FAILURE_WINDOW_SECONDS: must be at least/);
  });
});
