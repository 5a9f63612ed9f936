/**
 * Now, as Prisma stores DateTime in timestamp columns: UTC, whatever the
 * session's time zone. As text, for statements written with numbered
 * parameters; the kit's SQL_NOW is the same for tagged ones.
 */
export const SQL_NOW_TEXT = `(now() AT TIME ZONE 'UTC')`;

/**
 * A timestamptz value (a parameter such as `$2`, or an ISO literal) as
 * Prisma stores DateTime: `${sqlUtc('$2')}` in a statement's text.
 */
export function sqlUtc(value: string): string {
  return `${value}::timestamptz AT TIME ZONE 'UTC'`;
}

/** What of a generated client's `Prisma` namespace the raw-SQL fragments are made with. */
export interface RawSqlNamespace<Sql> {
  raw(text: string): Sql;
  sql(strings: readonly string[], ...values: unknown[]): Sql;
}

/** The fragments every subgraph's raw statements share, as its own client's `Prisma.Sql`. */
export interface RawSqlKit<Sql, Model extends string, Enum extends string> {
  /** A table of the database's schema (the `?schema=` of its URL), for raw statements. */
  tableOf(db: { schema: string }, name: Model): Sql;
  /**
   * The same table as text, for a statement written with numbered parameters
   * (`$queryRawUnsafe`), as one that embeds an outbox CTE (`Outbox.insertFrom`) is.
   */
  tableNameOf(db: { schema: string }, name: Model): string;
  /** An enum type of the database's schema, to cast a value to in a raw statement. */
  enumOf(db: { schema: string }, name: Enum): Sql;
  /** The same enum type as text, for a statement written with numbered parameters. */
  enumNameOf(db: { schema: string }, name: Enum): string;
  /** SQL_NOW_TEXT, for tagged statements. */
  SQL_NOW: Sql;
  SQL_NOW_TEXT: string;
  /**
   * A moment of this process's clock as Prisma stores DateTime, for tagged
   * statements: a parameter, so the statement's text stays the same from
   * call to call and is prepared once (as a literal, every checkout's order
   * insert was a text of its own, parsed and planned anew).
   */
  timestampOf(moment: Date): Sql;
}

/**
 * The rules once, the fragments per client: each generated client carries its
 * own runtime and so its own Sql class, and a fragment nests in a statement
 * (rather than being sent as a parameter) only when it is of that class.
 */
export function rawSqlKit<Sql, Model extends string, Enum extends string = never>(
  Prisma: RawSqlNamespace<Sql>,
): RawSqlKit<Sql, Model, Enum> {
  /** Tables and enum types alike: named in the database's schema. */
  const qualifiedName = (db: { schema: string }, name: string) => `"${db.schema}"."${name}"`;
  return {
    tableOf: (db, name) => Prisma.raw(qualifiedName(db, name)),
    tableNameOf: qualifiedName,
    enumOf: (db, name) => Prisma.raw(qualifiedName(db, name)),
    enumNameOf: qualifiedName,
    SQL_NOW: Prisma.raw(SQL_NOW_TEXT),
    SQL_NOW_TEXT,
    // sqlUtc's conversion after the parameter: the moment is sent as its ISO text.
    timestampOf: (moment) => Prisma.sql(['', sqlUtc('')], moment.toISOString()),
  };
}
