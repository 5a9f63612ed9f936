import { ConflictError } from '@shop/platform';
import type { SiblingClient } from './sibling-client';

/** A reservation as inventory answers the saga: its id and status (HELD, COMMITTED, …). */
export interface ReservationAnswer {
  id: string;
  status: string;
}

/** What reserving needs of an order: its id, and its lines in product order. */
export interface ReservingOrder {
  id: string;
  items: { productId: string; quantity: number }[];
}

const RESERVE_STOCK = `mutation($input: ReserveStockInput!) { reserveStock(input: $input) { id status } }`;
const RELEASE_RESERVATION = `mutation($id: ID!) { releaseReservation(id: $id) { id status } }`;
const RETURN_RESERVATION = `mutation($id: ID!) { returnReservation(id: $id) { id status } }`;

/**
 * The checkout saga's calls to inventory, each idempotent, and so retried
 * when an answer is lost: reserving by a key derived from the order (inventory
 * answers the reservation it made for the key), the others by the
 * reservation's id (inventory locks it and answers its state if the change is
 * already made). Errors are inventory's own (OUT_OF_STOCK, CONFLICT…).
 */
export class SagaInventory {
  constructor(private readonly client: SiblingClient) {}

  /** The order's lines held for `ttlSeconds`, all or nothing, or OUT_OF_STOCK. */
  async reserve(
    order: ReservingOrder,
    ttlSeconds: number,
    requestId?: string,
  ): Promise<ReservationAnswer> {
    const { reserveStock } = await this.client.mutate<{ reserveStock: ReservationAnswer }>(
      'inventory',
      RESERVE_STOCK,
      {
        input: {
          orderId: order.id,
          idempotencyKey: `order:${order.id}:reserve`,
          lines: order.items.map(({ productId, quantity }) => ({ productId, quantity })),
          ttlSeconds,
        },
      },
      { requestId, idempotent: true },
    );
    return reserveStock;
  }

  /** Held stock given back. */
  async release(reservationId: string, requestId?: string): Promise<void> {
    await this.change(RELEASE_RESERVATION, reservationId, requestId);
  }

  /**
   * A PAID order's stock given back: returned once committed, released while
   * inventory has not yet committed it on hearing OrderPaid.
   */
  async giveBackCommitted(reservationId: string, requestId?: string): Promise<void> {
    await this.change(RETURN_RESERVATION, reservationId, requestId);
  }

  /**
   * Gives back a hold the saga got after it stopped needing it. A CONFLICT
   * means the hold went further meanwhile (the order went on to PAID, and
   * inventory committed it, before it was cancelled), and the compensation
   * returns it.
   */
  async releaseUnrecorded(reservationId: string, requestId?: string): Promise<void> {
    try {
      await this.release(reservationId, requestId);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }

  private async change(mutation: string, reservationId: string, requestId?: string) {
    await this.client.mutate(
      'inventory',
      mutation,
      { id: reservationId },
      {
        requestId,
        idempotent: true,
      },
    );
  }
}
