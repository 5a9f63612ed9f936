-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "strayPaymentId" UUID;


-- Hand-written: the recovery job's look-up of payments still to refund (few, if any).
CREATE INDEX "Order_stray_payment_due_idx" ON "Order" ("updatedAt") WHERE "strayPaymentId" IS NOT NULL;
