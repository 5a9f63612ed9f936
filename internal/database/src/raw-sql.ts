/** What of a generated client's `Prisma` namespace the raw-SQL fragments are made with. */
export interface RawSqlNamespace<Sql> {
  raw(text: string): Sql;
}

/** The fragments every subgraph's raw statements share, as its own client's `Prisma.Sql`. */
export interface RawSqlKit<Sql, Model extends string, Enum extends string> {
  /** A table of the database's schema (the `?schema=` of its URL), for raw statements. */
  tableOf(db: { schema: string }, name: Model): Sql;
  /** An enum type of the database's schema, to cast a value to in a raw statement. */
  enumOf(db: { schema: string }, name: Enum): Sql;
  /** Now, as Prisma stores DateTime in timestamp columns: UTC, whatever the session's time zone. */
  SQL_NOW: Sql;
}

/**
 * The rules once, the fragments per client: each generated client carries its
 * own runtime and so its own Sql class, and a fragment nests in a statement
 * (rather than being sent as a parameter) only when it is of that class.
 */
export function rawSqlKit<Sql, Model extends string, Enum extends string = never>(
  Prisma: RawSqlNamespace<Sql>,
): RawSqlKit<Sql, Model, Enum> {
  const qualified = (db: { schema: string }, name: string) =>
    Prisma.raw(`"${db.schema}"."${name}"`);
  return {
    tableOf: qualified,
    enumOf: qualified,
    SQL_NOW: Prisma.raw(`(now() AT TIME ZONE 'UTC')`),
  };
}
