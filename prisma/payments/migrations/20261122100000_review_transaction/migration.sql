-- AlterEnum
ALTER TYPE "TransactionKind" ADD VALUE 'REVIEW';

-- Hand-written note: a charge above PAYMENT_REVIEW_THRESHOLD is held for an
-- ADMIN (a REVIEW entry) and the ADMIN's decision is a second one. Nothing in
-- a migration uses the value, so applying it with others in one transaction
-- (as applyMigrations does) is safe.
