import { queryTestDatabase, testDatabaseUrl } from '@shop/testing';

/**
 * What the subgraphs of a test stack stored, read from their databases: the
 * proof behind what the router answered.
 */

export interface StockRow {
  warehouseId: string;
  onHand: number;
  reserved: number;
}

/** The product's stock per warehouse. */
export function stockOf(productId: string): Promise<StockRow[]> {
  return queryTestDatabase<StockRow>(
    testDatabaseUrl('inventory'),
    `SELECT "warehouseId"::text, "onHand", "reserved" FROM "StockLevel"
      WHERE "productId" = $1::uuid ORDER BY "warehouseId"`,
    [productId],
  );
}

/** Units of the product on hand minus reserved, over every warehouse. */
export async function availableOf(productId: string): Promise<number> {
  const rows = await stockOf(productId);
  return rows.reduce((sum, row) => sum + row.onHand - row.reserved, 0);
}

/** How many reservations holding the product are in each status. */
export async function reservationsOf(productId: string): Promise<Record<string, number>> {
  const rows = await queryTestDatabase<{ status: string; count: string }>(
    testDatabaseUrl('inventory'),
    `SELECT r."status"::text, count(DISTINCT r."id") FROM "Reservation" r
       JOIN "ReservationLine" l ON l."reservationId" = r."id"
      WHERE l."productId" = $1::uuid GROUP BY r."status"`,
    [productId],
  );
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

export interface OrderRow {
  id: string;
  status: string;
  sagaStep: string;
  failureCode: string | null;
}

/** The orders that contain the product. */
export function ordersOf(productId: string): Promise<OrderRow[]> {
  return queryTestDatabase<OrderRow>(
    testDatabaseUrl('orders'),
    `SELECT o."id"::text, o."status"::text, o."sagaStep"::text, o."failureCode" FROM "Order" o
      WHERE EXISTS (SELECT 1 FROM "OrderItem" i WHERE i."orderId" = o."id" AND i."productId" = $1::uuid)
      ORDER BY o."createdAt"`,
    [productId],
  );
}

export interface PaymentRow {
  id: string;
  orderId: string;
  status: string;
  amount: number;
  captures: number;
  refunds: number;
}

/** The payments of these orders, with how many CAPTURE and REFUND lines the transaction log holds. */
export function paymentsOf(orderIds: string[]): Promise<PaymentRow[]> {
  return queryTestDatabase<PaymentRow>(
    testDatabaseUrl('payments'),
    `SELECT p."id"::text, p."orderId"::text, p."status"::text, p."amount",
            (SELECT count(*)::int FROM "PaymentTransaction" t
              WHERE t."paymentId" = p."id" AND t."kind" = 'CAPTURE' AND t."success") AS "captures",
            (SELECT count(*)::int FROM "PaymentTransaction" t
              WHERE t."paymentId" = p."id" AND t."kind" = 'REFUND' AND t."success") AS "refunds"
       FROM "Payment" p WHERE p."orderId" = ANY($1::uuid[]) ORDER BY p."createdAt"`,
    [orderIds],
  );
}
