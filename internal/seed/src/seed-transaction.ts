/**
 * The options of every subgraph's seed transaction. Prisma's defaults (2 s to
 * get a connection, 5 s to finish) are for requests; a seed writes a whole
 * demo catalogue while seven processes start on two cores, and `npm start`
 * failed on a busy machine when the products seed took 5.7 s. An empty
 * database is seeded once, all or nothing, so the bound only has to catch a
 * seed that hangs.
 */
export const SEED_TRANSACTION = { maxWait: 60_000, timeout: 120_000 } as const;
