import type { UsersContext } from '../context';
import type { User } from './user.type';

export const userReference = {
  __resolveReference(reference: { id: string }, ctx: UsersContext): Promise<User | null> {
    return ctx.loaders.userById.load(reference.id);
  },
};
