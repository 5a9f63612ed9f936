import { developmentIdentitySecret, developmentKeyPair } from '@shop/identity';
import { APOLLO_STUDIO_ORIGIN, loadRouterConfig } from './config';

/** Production must be given its secrets; these tests give the development ones explicitly. */
const secrets = {
  IDENTITY_SECRET: developmentIdentitySecret(),
  JWT_PUBLIC_KEY: developmentKeyPair().publicKeyPem,
};

describe('router configuration', () => {
  it('serves introspection and admits Apollo Studio in development by default', () => {
    const config = loadRouterConfig({});
    expect(config.introspection).toBe(true);
    expect(config.corsOrigins).toContain(APOLLO_STUDIO_ORIGIN);
    expect(config.port).toBe(4000);
  });

  it('turns introspection and Studio off in production unless asked', () => {
    expect(loadRouterConfig({ NODE_ENV: 'production', ...secrets })).toMatchObject({
      introspection: false,
      corsOrigins: [],
    });
    expect(
      loadRouterConfig({ NODE_ENV: 'production', INTROSPECTION: 'true', ...secrets }).introspection,
    ).toBe(true);
    expect(loadRouterConfig({ INTROSPECTION: 'false' }).introspection).toBe(false);
  });

  it('reads the CORS allow-list and subgraph URL overrides', () => {
    const config = loadRouterConfig({
      NODE_ENV: 'production',
      ...secrets,
      CORS_ORIGINS: 'https://shop.example, https://admin.shop.example',
      SUBGRAPH_URL_PRODUCTS: 'http://products:4002/graphql',
    });
    expect(config.corsOrigins).toEqual(['https://shop.example', 'https://admin.shop.example']);
    expect(config.subgraphUrls).toEqual({ PRODUCTS: 'http://products:4002/graphql' });
  });

  it('names every bad variable at once', () => {
    expect(() => loadRouterConfig({ PORT: 'eighty', SUBGRAPH_TIMEOUT_MS: '5' })).toThrow(
      /PORT[\s\S]*SUBGRAPH_TIMEOUT_MS/,
    );
  });

  it('refuses to start in production without the identity secret and the token key', () => {
    expect(() => loadRouterConfig({ NODE_ENV: 'production' })).toThrow(/IDENTITY_SECRET/);
    expect(() =>
      loadRouterConfig({ NODE_ENV: 'production', IDENTITY_SECRET: secrets.IDENTITY_SECRET }),
    ).toThrow(/JWT_PUBLIC_KEY/);
  });
});
