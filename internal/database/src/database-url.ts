/**
 * A subgraph's DATABASE_URL names its PostgreSQL schema the way Prisma does
 * (`?schema=products`); node-postgres does not know that parameter, so it is
 * split off here and handed to Prisma's adapter and the migrator instead.
 */
export interface DatabaseLocation {
  /** The URL for node-postgres, without the schema parameter. */
  connectionString: string;
  /** The PostgreSQL schema that holds this subgraph's tables. */
  schema: string;
}

export function parseDatabaseUrl(url: string): DatabaseLocation {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? 'public';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error(
      `Invalid schema "${schema}" in a database URL: use lower-case letters, digits and _`,
    );
  }
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}

/** The same database and server with a different schema, e.g. for a sibling subgraph. */
export function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
}
