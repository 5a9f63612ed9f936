import { keyedLoader } from '@shop/federation';
import type { UserService } from './user.service';
import type { User } from './user.type';

export function createUserLoaders(service: UserService) {
  return {
    userById: keyedLoader<string, User>(
      (ids) => service.byIds(ids),
      (user) => user.id,
    ),
  };
}
