-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "orderNumber" INTEGER;

