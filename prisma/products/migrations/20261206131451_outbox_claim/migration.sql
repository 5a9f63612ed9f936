-- AlterTable
ALTER TABLE "OutboxEvent" ADD COLUMN     "claimedUntil" TIMESTAMP(3);

