-- AlterTable
ALTER TABLE "OrderStatusHistory" ADD COLUMN     "sequence" BIGSERIAL NOT NULL;

