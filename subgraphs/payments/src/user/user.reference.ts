import type { UserStub } from './user.stub';

/**
 * The users subgraph decides whether a user exists; this one only needs the
 * id to find the user's payment methods, so there is nothing to load.
 */
export function resolveUserReference(reference: { id: string }): UserStub {
  return { id: reference.id };
}
