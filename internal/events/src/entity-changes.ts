import type { Logger } from '@shop/platform';
import type { LivePubSub } from './live-pubsub';
import { liveTopics } from './live-topics';

/**
 * Announces that public data of an entity changed, so caches drop it before
 * their TTL runs out. Called after the change is committed; a failure is
 * logged, not thrown: the change stands, and a cache serves the old data at
 * most until its TTL ends.
 */
export async function announceEntityChanged(
  pubSub: LivePubSub,
  typename: string,
  id: string,
  log: Logger,
): Promise<void> {
  try {
    await pubSub.publish(liveTopics.entityChanged(), { typename, id });
  } catch (error) {
    log.warn({ err: error, typename, id }, 'entity change not announced; caches expire it');
  }
}
