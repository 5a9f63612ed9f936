-- AlterTable
ALTER TABLE "SearchDocument" ADD COLUMN     "archived" BOOLEAN NOT NULL DEFAULT false;

