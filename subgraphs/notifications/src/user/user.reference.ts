import type { UserStub } from './user.stub';

// Nothing to load: every user may have notifications, and `notifications` answers from the id alone.
export function resolveUserReference(reference: { id: string }): UserStub {
  return { id: reference.id };
}
