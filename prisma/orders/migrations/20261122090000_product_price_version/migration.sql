-- AlterTable
ALTER TABLE "ProductPrice" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;
