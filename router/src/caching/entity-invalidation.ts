import { liveTopics, type LivePubSub } from '@shop/events';
import type { Logger } from '@shop/platform';
import { entityTag } from './cache-keys';
import type { EntryStore } from './entry-store';

export interface EntityInvalidation {
  stop(): Promise<void>;
}

/**
 * Drops every cached entry of an entity when a subgraph announces a change
 * of it on `entityChanged`, so the next request reads it fresh instead of
 * waiting for the TTL. Resolves once listening.
 */
export async function startEntityInvalidation(
  pubSub: LivePubSub,
  store: EntryStore,
  log: Logger,
): Promise<EntityInvalidation> {
  const changes = await pubSub.subscribe(liveTopics.entityChanged());
  const done = (async () => {
    for await (const { typename, id } of changes) {
      try {
        await store.invalidate(entityTag(typename, id));
      } catch (error) {
        // Its entries then live until their TTL, as the subgraph's max-age allows.
        log.warn({ err: error, typename, id }, 'cached entries of a changed entity not dropped');
      }
    }
  })();
  return {
    async stop() {
      await changes.return();
      await done;
    },
  };
}
