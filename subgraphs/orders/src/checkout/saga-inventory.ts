import { ConflictError } from '@shop/platform';
import type { ServiceClient } from './service-client';

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
const COMMIT_RESERVATION = `mutation($id: ID!) { commitReservation(id: $id) { id status } }`;
const RETURN_RESERVATION = `mutation($id: ID!) { returnReservation(id: $id) { id status } }`;

/**
 * The checkout saga's calls to inventory, each idempotent: reserving by a
 * key derived from the order, the others by the reservation's own state.
 * Errors are inventory's own (OUT_OF_STOCK, CONFLICT…), as ServiceClient
 * hands them on.
 */
export class SagaInventory {
  constructor(private readonly client: ServiceClient) {}

  /** The order's lines held for `ttlSeconds`, all or nothing, or OUT_OF_STOCK. */
  async reserve(
    order: ReservingOrder,
    ttlSeconds: number,
    requestId?: string,
  ): Promise<ReservationAnswer> {
    const { reserveStock } = await this.client.call<{ reserveStock: ReservationAnswer }>(
      'inventory',
      RESERVE_STOCK,
      {
        input: {
          orderId: order.id,
          idempotencyKey: `order:${order.id}:reserve`,
          lines: order.items,
          ttlSeconds,
        },
      },
      requestId,
    );
    return reserveStock;
  }

  /** The held stock shipped with the order; CONFLICT once the hold has expired. */
  async commit(reservationId: string, requestId?: string): Promise<void> {
    await this.client.call('inventory', COMMIT_RESERVATION, { id: reservationId }, requestId);
  }

  /** Held stock given back. */
  async release(reservationId: string, requestId?: string): Promise<void> {
    await this.client.call('inventory', RELEASE_RESERVATION, { id: reservationId }, requestId);
  }

  /** Committed stock (a PAID order's) given back. */
  async giveBackCommitted(reservationId: string, requestId?: string): Promise<void> {
    await this.client.call('inventory', RETURN_RESERVATION, { id: reservationId }, requestId);
  }

  /**
   * Gives back a hold the saga got after it stopped needing it. A CONFLICT
   * means another driver took the hold further meanwhile (the order went on
   * to PAID before it was cancelled), and the compensation returns it.
   */
  async releaseUnrecorded(reservationId: string, requestId?: string): Promise<void> {
    try {
      await this.release(reservationId, requestId);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
}
