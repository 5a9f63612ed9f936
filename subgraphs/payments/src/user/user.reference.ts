import type { UserReference } from './user.stub';

/**
 * The users subgraph decides whether a user exists; this one only needs the
 * id to find the user's payment methods, so there is nothing to load.
 */
export const userReference = {
  __resolveReference(reference: { id: string }): UserReference {
    return { id: reference.id };
  },
};
