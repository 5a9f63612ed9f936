-- DropIndex
DROP INDEX "OutboxEvent_publishedAt_occurredAt_idx";

-- AlterTable
ALTER TABLE "OutboxEvent" ADD COLUMN     "sequence" BIGSERIAL NOT NULL;

-- CreateIndex
CREATE INDEX "OutboxEvent_publishedAt_sequence_idx" ON "OutboxEvent"("publishedAt", "sequence");

