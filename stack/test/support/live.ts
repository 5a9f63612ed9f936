import type { LiveFeed, LiveTopic } from '@shop/events';
import { eventually, processesListening } from '@shop/testing';
import type { RunningStack } from './test-stack';

/**
 * Subscriptions are not acknowledged: resolves once the subgraph that owns
 * `topic` listens to it on the stack's Redis, so an event published after
 * this reaches the subscriber.
 */
export function untilListening<F extends LiveFeed>(
  stack: RunningStack,
  topic: LiveTopic<F>,
): Promise<void> {
  return eventually(async () =>
    expect(
      await processesListening(
        { redisUrl: stack.env.REDIS_URL!, streamPrefix: stack.env.EVENT_STREAM_PREFIX! },
        topic,
      ),
    ).toBeGreaterThan(0),
  );
}
