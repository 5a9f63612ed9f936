-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "ProductStock" ADD COLUMN     "stockVersion" INTEGER NOT NULL DEFAULT 0;
