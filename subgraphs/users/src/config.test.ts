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
});
