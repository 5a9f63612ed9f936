import { outboxFor, type OutboxRelay } from '@shop/events';

/** The outbox of 'payments.events'; services record into it inside their transactions. */
export const paymentsOutbox = outboxFor('payments.events');

/** Wakes the relay background() started once a transaction that recorded events has committed. */
export class PaymentEvents {
  private relay: Pick<OutboxRelay, 'wake'> | undefined;

  attachRelay(relay: Pick<OutboxRelay, 'wake'> | undefined): void {
    this.relay = relay;
  }

  /** A committed event is then published at once, not at the relay's next poll. */
  committed(): void {
    this.relay?.wake();
  }
}
