import type { GraphQLResolveInfo } from 'graphql';
import { cachePublicly, PUBLIC_CACHE_SECONDS } from '@shop/federation';
import type { UsersContext } from '../context';
import type { User } from './user.type';

/** Public as a whole: the private fields mark themselves never cacheable. */
export function resolveUserReference(
  reference: { id: string },
  ctx: UsersContext,
  info: GraphQLResolveInfo,
): Promise<User | null> {
  cachePublicly(info, PUBLIC_CACHE_SECONDS.publicProfile);
  return ctx.loaders.userById.load(reference.id);
}
