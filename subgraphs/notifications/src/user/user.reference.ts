import type { UserReference } from './user.stub';

// Nothing to load: every user may have notifications, and `notifications` answers from the id alone.
export const userReference = {
  __resolveReference(reference: { id: string }): UserReference {
    return { id: reference.id };
  },
};
