-- AlterEnum (each value placed where schema.prisma lists it)
ALTER TYPE "PaymentStatus" ADD VALUE 'AUTHORIZED' BEFORE 'SUCCEEDED';
ALTER TYPE "PaymentStatus" ADD VALUE 'AWAITING_REVIEW' BEFORE 'SUCCEEDED';
ALTER TYPE "PaymentStatus" ADD VALUE 'VOIDED' BEFORE 'REFUNDED';

-- AlterEnum
ALTER TYPE "TransactionKind" ADD VALUE 'VOID' BEFORE 'DECLINE';

-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "authorizationExpiresAt" TIMESTAMP(3),
ADD COLUMN     "reviewRequired" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "Payment_status_authorizationExpiresAt_idx" ON "Payment"("status", "authorizationExpiresAt");


-- Hand-written. Nothing above uses the new values in this transaction, so applying it with
-- others in one transaction (as applyMigrations does) is safe. A payment still PENDING was
-- held for review by the flow before authorizations, which never asked the processor: with
-- no authorization it can never be captured, so it is declined (its order's saga is
-- compensated by orders' migration of the same change). Run only when there is one, through
-- EXECUTE: applied to an empty database together with the migration that added REVIEW, the
-- statement could not even be planned (a value added in the same transaction).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM "Payment" WHERE "status" = 'PENDING') THEN
    EXECUTE $sql$
      INSERT INTO "PaymentTransaction" ("id", "paymentId", "userId", "kind", "amount", "currency", "success", "detail")
      SELECT gen_random_uuid(), "id", "userId", 'REVIEW', "amount", "currency", false, 'review_expired'
        FROM "Payment" WHERE "status" = 'PENDING'$sql$;
    UPDATE "Payment" SET "status" = 'DECLINED', "declineCode" = 'review_expired',
           "updatedAt" = now() AT TIME ZONE 'UTC'
     WHERE "status" = 'PENDING';
  END IF;
END $$;
