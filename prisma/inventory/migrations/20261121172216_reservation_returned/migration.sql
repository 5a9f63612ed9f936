-- AlterEnum
ALTER TYPE "ReservationStatus" ADD VALUE 'RETURNED';

-- Hand-written note: applyMigrations runs all pending migrations in one
-- transaction. PostgreSQL (12+) allows ADD VALUE inside one, but the value
-- cannot be used before that transaction commits: a later migration that uses
-- 'RETURNED' (a default, a partial index) would fail on a database that applies
-- both in one run, unless the migrator commits between migrations by then.
