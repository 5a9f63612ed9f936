-- Hand-written (Prisma cannot describe expression indexes): trigrams of the lower-cased name,
-- so suggestions' `lower("name") LIKE lower(prefix) || '%'` is answered from an index.
-- The extension goes into "public" because in the embedded mode every subgraph's schema shares
-- one database, and an extension lives in one schema per database; hence the qualified
-- operator class.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- CreateIndex
CREATE INDEX "SearchDocument_name_trgm_idx" ON "SearchDocument" USING GIN (lower("name") public.gin_trgm_ops);
