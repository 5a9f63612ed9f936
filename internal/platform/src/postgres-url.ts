import { z } from 'zod';

/** The URL as a message may show it: without its password. */
export function displayedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

/** The URL parsed, or undefined: zod runs refinements even after `.url()` failed. */
function parsed(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

const isPostgres = (url: string) => /^postgres(ql)?:$/.test(parsed(url)?.protocol ?? 'postgres:');

/**
 * A PostgreSQL URL, the only database these services speak: a mysql://
 * one was accepted before and failed much later, with "Received unexpected
 * copyData message".
 */
export const postgresUrl = z
  .string()
  .url()
  .refine(isPostgres, 'must be a postgres:// or postgresql:// URL: PostgreSQL is the database');

/**
 * A subgraph's database URL: PostgreSQL, with the schema its tables live in
 * named (`?schema=orders`), which Prisma and the migrator both read; without
 * it the subgraph started silently in `public`.
 */
export const subgraphDatabaseUrl = postgresUrl.refine(
  (url) => parsed(url)?.searchParams.has('schema') ?? true,
  'names no ?schema=: add the PostgreSQL schema its tables live in (e.g. ?schema=orders)',
);
