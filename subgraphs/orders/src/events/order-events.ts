import { outboxFor, type OutboxRelay } from '@shop/events';

/** The outbox of the stream this subgraph owns. */
export const orderEvents = outboxFor('orders.events');

/**
 * How services wake the outbox relay after a commit, so an event goes out at
 * once rather than at the relay's next tick. The relay starts in
 * background() and attaches itself here; while none is attached an event
 * waits in the outbox for the next relay to run.
 */
export class RelayWaker {
  private relay: Pick<OutboxRelay, 'wake'> | undefined;

  attach(relay: Pick<OutboxRelay, 'wake'>): void {
    this.relay = relay;
  }

  detach(): void {
    this.relay = undefined;
  }

  wake(): void {
    this.relay?.wake();
  }
}
