/** Roles as the users subgraph stores them. */
export type Role = 'CUSTOMER' | 'ADMIN';

/**
 * Who a request acts for, as the router established it (or, for calls
 * between subgraphs, which service makes them).
 */
export type Identity =
  | { kind: 'anonymous' }
  | { kind: 'user'; userId: string; role: Role; scopes: string[] }
  | { kind: 'service'; service: string; scopes: string[] };

export const ANONYMOUS: Identity = { kind: 'anonymous' };

/** Scopes follow from the role; @requiresScopes in the schema names them. */
export function scopesForRole(role: Role): string[] {
  return role === 'ADMIN' ? ['customer', 'admin'] : ['customer'];
}

export function isAdmin(identity: Identity): boolean {
  return identity.kind === 'user' && identity.role === 'ADMIN';
}

export function scopesOf(identity: Identity): string[] {
  return identity.kind === 'anonymous' ? [] : identity.scopes;
}
