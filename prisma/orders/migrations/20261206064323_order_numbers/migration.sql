-- Hand-written (Prisma's diff adds a SERIAL, which would number existing
-- orders in storage order, from 1): numbers start at 1001, and orders placed
-- before this migration get theirs in the order they were placed.
CREATE SEQUENCE "Order_number_seq" AS INTEGER START WITH 1001;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN "number" INTEGER;

UPDATE "Order" AS o
SET "number" = 1000 + placed.position
FROM (SELECT id, row_number() OVER (ORDER BY "createdAt", id) AS position FROM "Order") AS placed
WHERE o.id = placed.id;

SELECT setval('"Order_number_seq"', max("number")) FROM "Order" HAVING count(*) > 0;

ALTER TABLE "Order"
  ALTER COLUMN "number" SET DEFAULT nextval('"Order_number_seq"'),
  ALTER COLUMN "number" SET NOT NULL;
ALTER SEQUENCE "Order_number_seq" OWNED BY "Order"."number";

-- CreateIndex
CREATE UNIQUE INDEX "Order_number_key" ON "Order"("number");
