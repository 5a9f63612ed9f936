-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "archivedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ProductImage" (
    "id" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "url" TEXT NOT NULL,
    "alt" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,

    CONSTRAINT "ProductImage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ProductImage_productId_position_key" ON "ProductImage"("productId", "position");

-- AddForeignKey
ALTER TABLE "ProductImage" ADD CONSTRAINT "ProductImage_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written: products from before images existed get the placeholder
-- illustration new products get (placeholderImageUrl in @shop/platform),
-- its query string percent-encoded here as URLSearchParams would read it.
CREATE FUNCTION pg_temp.uri_component(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(string_agg(
    CASE WHEN ch ~ '^[A-Za-z0-9_.~-]$' THEN ch
         ELSE regexp_replace(upper(encode(convert_to(ch, 'UTF8'), 'hex')), '(..)', '%\1', 'g') END,
    '' ORDER BY position), '')
  FROM regexp_split_to_table($1, '') WITH ORDINALITY AS characters(ch, position)
$$;

INSERT INTO "ProductImage" ("id", "productId", "position", "url", "alt", "width", "height")
SELECT gen_random_uuid(), p.id, 0,
       '/images/placeholder.svg?title=' || pg_temp.uri_component(p.name)
         || '&subtitle=' || pg_temp.uri_component(c.name) || '&w=800&h=600',
       p.name || ' (placeholder illustration)', 800, 600
FROM "Product" p JOIN "Category" c ON c.id = p."categoryId";
