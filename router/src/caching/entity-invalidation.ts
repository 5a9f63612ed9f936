import { setTimeout as sleep } from 'node:timers/promises';
import { liveTopics, type LivePubSub, type LiveSubscription } from '@shop/events';
import { FailureReport, type Logger } from '@shop/platform';
import { entityTag } from './cache-keys';
import type { EntryStore } from './entry-store';

export interface EntityInvalidation {
  stop(): Promise<void>;
}

/** Between attempts to listen while the pub/sub is away: 1 s, doubling up to 30 s. */
const retryDelayMs = (attempt: number) => Math.min(1_000 * 2 ** (attempt - 1), 30_000);

type Changes = LiveSubscription<{ typename: string; id: string }>;

/**
 * Drops every cached entry of an entity when a subgraph announces a change
 * of it on `entityChanged`, so the next request reads it fresh instead of
 * waiting for the TTL. Resolves once listening, or, when the pub/sub is
 * away (Redis or the events database down at start), once that is reported:
 * the router serves meanwhile, its cached entries living until their TTL,
 * and listens as soon as it can.
 */
export async function startEntityInvalidation(
  pubSub: LivePubSub,
  store: EntryStore,
  log: Logger,
): Promise<EntityInvalidation> {
  const failures = new FailureReport(
    log,
    'listening for entity changes (cached entries live until their TTL meanwhile)',
  );
  const stopping = new AbortController();
  const listen = async (): Promise<Changes | undefined> => {
    try {
      const changes = await pubSub.subscribe(liveTopics.entityChanged());
      failures.succeeded();
      return changes;
    } catch (error) {
      failures.failed(error);
      return undefined;
    }
  };
  let changes = await listen();
  const done = (async () => {
    for (let attempt = 1; !changes && !stopping.signal.aborted; attempt++) {
      await sleep(retryDelayMs(attempt), undefined, { signal: stopping.signal }).catch(() => {});
      if (!stopping.signal.aborted) changes = await listen();
    }
    for await (const { typename, id } of changes ?? []) {
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
      stopping.abort();
      await changes?.return();
      await done;
    },
  };
}
