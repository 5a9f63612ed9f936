-- AlterTable
ALTER TABLE "ProductPrice" ADD COLUMN     "archived" BOOLEAN NOT NULL DEFAULT false;

