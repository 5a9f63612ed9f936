import { randomUUID } from 'node:crypto';
import { queryTestDatabase } from '@shop/testing';

/**
 * A PAID order of `buyerId` written straight to the orders database, as the
 * checkout saga leaves one: two lines (1 × the first product, 2 × the
 * second, 10 USD each) and a history PENDING → PAID stamped in UTC, as
 * Prisma stores timestamps, an hour apart so the history has an order.
 * Returns its id.
 */
export async function insertPaidOrder(
  databaseUrl: string,
  buyerId: string,
  [firstProductId, secondProductId]: readonly [string, string],
): Promise<string> {
  const id = randomUUID();
  const sql = (text: string, params: unknown[]) => queryTestDatabase(databaseUrl, text, params);
  await sql(
    `INSERT INTO "Order" (id, "userId", status, "totalAmount", "totalCurrency", "idempotencyKey",
       "addressId", "paymentMethodId", "shipLine1", "shipCity", "shipPostalCode", "shipCountry",
       "sagaStep", "updatedAt")
     VALUES ($1, $2, 'PAID', 3000, 'USD', $3, $4, $5, '1 Test St', 'Testville', '12345', 'US',
       'COMPLETED', now())`,
    [id, buyerId, `test-${id}`, randomUUID(), randomUUID()],
  );
  await sql(
    `INSERT INTO "OrderItem" (id, "orderId", "productId", "productName", quantity,
       "unitPriceAmount", "unitPriceCurrency")
     VALUES ($1, $2, $3, 'One', 1, 1000, 'USD'), ($4, $2, $5, 'Two', 2, 1000, 'USD')`,
    [randomUUID(), id, firstProductId, randomUUID(), secondProductId],
  );
  await sql(
    `INSERT INTO "OrderStatusHistory" (id, "orderId", status, actor, at)
     VALUES ($1, $2, 'PENDING', 'system', (now() AT TIME ZONE 'UTC') - interval '2 hours'),
            ($3, $2, 'PAID', 'system', (now() AT TIME ZONE 'UTC') - interval '1 hour')`,
    [randomUUID(), id, randomUUID()],
  );
  return id;
}
