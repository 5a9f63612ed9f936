import {
  developmentIdentitySecret,
  IDENTITY_HEADER,
  IdentitySigner,
  scopesForRole,
  type Identity,
  type Role,
} from '@shop/identity';
import { seedAdminId } from '@shop/seed';

/** The secret test subgraphs verify identities with (the development one). */
export const TEST_IDENTITY_SECRET = developmentIdentitySecret();

const signer = new IdentitySigner(TEST_IDENTITY_SECRET);

/** What identityHeaders hands over when it does not know whom the headers are for. */
const UNSIGNED = 'unsigned-test-identity.';

export function userIdentity(userId: string, role: Role = 'CUSTOMER'): Identity {
  return { kind: 'user', userId, role, scopes: scopesForRole(role) };
}

export const ADMIN_IDENTITY = userIdentity(seedAdminId('admin@shop.local'), 'ADMIN');

/**
 * Headers that let a test call a subgraph directly, as the router would for
 * this identity: signed for `audience`, the subgraph called (each accepts
 * only its own). Without one, graphqlRequest and wsClient sign them for the
 * subgraph they call; sent any other way, they are refused.
 */
export function identityHeaders(identity: Identity, audience?: string): Record<string, string> {
  return {
    [IDENTITY_HEADER]: audience
      ? signer.sign(identity, audience)
      : UNSIGNED + Buffer.from(JSON.stringify(identity)).toString('base64url'),
  };
}

/**
 * `params` (headers, or connection_init's payload) with an identity
 * identityHeaders left unsigned signed for the subgraph at `url`, which its
 * /live names.
 */
export async function signedForSubgraphAt<Params extends Record<string, unknown>>(
  url: string,
  params: Params,
): Promise<Params> {
  const header = params[IDENTITY_HEADER];
  if (typeof header !== 'string' || !header.startsWith(UNSIGNED)) return params;
  const identity = JSON.parse(
    Buffer.from(header.slice(UNSIGNED.length), 'base64url').toString('utf8'),
  ) as Identity;
  return { ...params, [IDENTITY_HEADER]: signer.sign(identity, await subgraphNameAt(url)) };
}

/** Asked every time rather than remembered: a port a stopped subgraph freed may serve another. */
async function subgraphNameAt(url: string): Promise<string> {
  const response = await fetch(new URL('/live', url));
  const { service } = (await response.json()) as { service?: unknown };
  if (typeof service !== 'string') throw new Error(`${url} does not name its subgraph at /live`);
  return service;
}
