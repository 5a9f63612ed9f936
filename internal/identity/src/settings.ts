import { z } from 'zod';
import { developmentIdentitySecret, developmentKeyPair } from './development-keys';

const REQUIRED_IN_PRODUCTION = 'required when NODE_ENV=production';

/**
 * A secret or key as an environment variable, declared with the rest of a
 * process's variables so that one start names every missing secret along
 * with every other bad variable. Production requires it: a development value
 * there would be one anyone can derive. Elsewhere, when not given, the
 * development one. An empty value counts as none; \n may be written as \\n.
 */
function secret(minLength: number, production: boolean, development: () => string) {
  const given = z.string({
    error: (issue) => (issue.input === undefined ? REQUIRED_IN_PRODUCTION : undefined),
  });
  const value = z.preprocess(
    (input) => (input === '' ? undefined : input),
    production ? given.min(minLength) : given.min(minLength).optional(),
  );
  return value.transform((text) =>
    text === undefined ? development() : text.replace(/\\n/g, '\n'),
  );
}

/** Environment variables about identity; parse them with the rest of a process's config. */
export function identitySettings(production: boolean) {
  return {
    /**
     * HMAC secret shared by the router and every subgraph (≥ 32 characters).
     * @default required in production; the development one elsewhere
     */
    IDENTITY_SECRET: secret(32, production, developmentIdentitySecret),
    /**
     * The `iss` access tokens are issued with and must carry.
     * @default 'shop-users'
     */
    JWT_ISSUER: z.string().default('shop-users'),
    /**
     * The `aud` access tokens are issued for and must carry.
     * @default 'shop-supergraph'
     */
    JWT_AUDIENCE: z.string().default('shop-supergraph'),
  };
}

export function accessTokenSigningSettings(production: boolean) {
  return {
    /** Ed25519 private key, PKCS#8 PEM. Only the users subgraph has it. */
    JWT_PRIVATE_KEY: secret(1, production, () => developmentKeyPair().privateKeyPem),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
    REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  };
}

export function accessTokenVerifyingSettings(production: boolean) {
  return {
    /**
     * Ed25519 public key, SPKI PEM. The router verifies access tokens with it.
     * @default required in production; the development one elsewhere
     */
    JWT_PUBLIC_KEY: secret(1, production, () => developmentKeyPair().publicKeyPem),
  };
}
