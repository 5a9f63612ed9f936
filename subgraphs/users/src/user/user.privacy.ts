import { assertMayAccess } from '@shop/federation';
import type { Identity } from '@shop/identity';
import type { User } from './user.type';

/**
 * A user's private fields (email, role, addresses) are for the user, ADMINs
 * and internal services; anyone else gets NOT_FOUND, as for a user who is not there.
 */
export function assertMayReadPrivate(identity: Identity, user: User): void {
  if (user.viewedBySelf) return;
  assertMayAccess(identity, user.id, 'User');
}
