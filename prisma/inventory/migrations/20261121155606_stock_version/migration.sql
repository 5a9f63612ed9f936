-- AlterTable
ALTER TABLE "ProductStockSettings" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

