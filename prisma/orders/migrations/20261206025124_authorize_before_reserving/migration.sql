-- Hand-written, first: the saga no longer makes stray payments (captured after its order was
-- cancelled), so the column recording those still to refund goes. Refuse to drop one that is
-- still owed: the previous release's recovery job refunds it within seconds of starting.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM "Order" WHERE "strayPaymentId" IS NOT NULL) THEN
    RAISE EXCEPTION 'Orders still record stray payments to refund (strayPaymentId): run the previous release until its saga recovery has refunded them';
  END IF;
END $$;

-- AlterEnum (placed where schema.prisma lists it)
ALTER TYPE "SagaStep" ADD VALUE 'PAYMENT_AUTHORIZED' BEFORE 'STOCK_RESERVED';

-- AlterTable
ALTER TABLE "Order" DROP COLUMN "strayPaymentId";

-- Hand-written. Nothing above uses the new value in this transaction, so applying it with others
-- in one transaction (as applyMigrations does) is safe. A saga at STOCK_RESERVED without a
-- payment was reserved by the flow before authorizations: waiting on a review its payment never
-- had an authorization for (payments declines those in its migration), or interrupted before
-- charging. It cannot be captured now, so it is compensated: the stock released, a payment
-- captured meanwhile refunded, the order cancelled.
UPDATE "Order" SET "sagaStep" = 'COMPENSATING', "failureCode" = 'CHECKOUT_FAILED', "updatedAt" = now() AT TIME ZONE 'UTC'
 WHERE "sagaStep" = 'STOCK_RESERVED' AND "paymentId" IS NULL;
