-- AlterTable
ALTER TABLE "ProductStockSettings" ADD COLUMN     "announcedInStock" BOOLEAN,
ADD COLUMN     "inStockVersion" INTEGER NOT NULL DEFAULT 0;

