import {
  developmentIdentitySecret,
  IDENTITY_HEADER,
  scopesForRole,
  signIdentity,
  type Identity,
  type Role,
} from '@shop/identity';
import { seedAdminId } from '@shop/seed';

/** The secret test subgraphs verify identities with (the development one). */
export const TEST_IDENTITY_SECRET = developmentIdentitySecret();

export function userIdentity(userId: string, role: Role = 'CUSTOMER'): Identity {
  return { kind: 'user', userId, role, scopes: scopesForRole(role) };
}

export const ADMIN_IDENTITY = userIdentity(seedAdminId('admin@shop.local'), 'ADMIN');

/** Headers that let a test call a subgraph directly, as the router would for this identity. */
export function identityHeaders(identity: Identity): Record<string, string> {
  return { [IDENTITY_HEADER]: signIdentity(identity, TEST_IDENTITY_SECRET) };
}
