import { accessTokenVerifyingSettings, identitySettings } from '@shop/identity';
import type { VariablesOf } from '@shop/platform';

/**
 * The router verifies access tokens (JWT_PUBLIC_KEY, JWT_ISSUER,
 * JWT_AUDIENCE) and signs the identity it passes to each subgraph
 * (IDENTITY_SECRET); @shop/identity documents each. Production requires the
 * secrets; elsewhere, unset, they are the development ones.
 */
export function authVariables(production: boolean) {
  return { ...identitySettings(production), ...accessTokenVerifyingSettings(production) };
}

export function authSettingsOf(variables: VariablesOf<ReturnType<typeof authVariables>>) {
  return {
    identitySecret: variables.IDENTITY_SECRET,
    jwtPublicKey: variables.JWT_PUBLIC_KEY,
    issuer: variables.JWT_ISSUER,
    audience: variables.JWT_AUDIENCE,
  };
}
