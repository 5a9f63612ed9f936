import { isAdmin, type Identity } from '@shop/identity';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '@shop/platform';

type UserIdentity = Extract<Identity, { kind: 'user' }>;

/** The signed-in user, or UNAUTHENTICATED. */
export function requireUser(identity: Identity): UserIdentity {
  if (identity.kind !== 'user') throw new UnauthenticatedError();
  return identity;
}

/** ADMINs only: UNAUTHENTICATED without a user, FORBIDDEN for anyone else. */
export function requireAdmin(identity: Identity): UserIdentity {
  const user = requireUser(identity);
  if (!isAdmin(user)) throw new ForbiddenError('Only an ADMIN may do this');
  return user;
}

/** Anyone but an anonymous caller: a signed-in user, or a service acting for the system. */
export function requireUserOrService(identity: Identity): void {
  if (identity.kind !== 'service') requireUser(identity);
}

/** An ADMIN, or a service acting for the system. */
export function requireAdminOrService(identity: Identity): void {
  if (identity.kind !== 'service') requireAdmin(identity);
}

/** Whether this identity may see what `ownerId` owns: the owner, an ADMIN, or an internal service. */
export function mayAccess(identity: Identity, ownerId: string): boolean {
  if (identity.kind === 'service') return true;
  return identity.kind === 'user' && (identity.userId === ownerId || identity.role === 'ADMIN');
}

/**
 * The owner's data or NOT_FOUND: to anyone else, someone else's order or card
 * is indistinguishable from one that does not exist.
 */
export function assertMayAccess(identity: Identity, ownerId: string, what: string): void {
  if (!mayAccess(identity, ownerId)) throw new NotFoundError(`${what} not found`);
}

/** A service identity carrying the scope, for operations only subgraphs may call. */
export function requireService(identity: Identity, scope: string): void {
  if (identity.kind !== 'service' || !identity.scopes.includes(scope)) {
    throw new ForbiddenError('Only an internal service may do this');
  }
}
