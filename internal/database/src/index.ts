export * from './connection-pool';
// The traffic counter only: every pool is counted by createConnectionPool, never wrapped by hand.
export { databaseTraffic, type DatabaseTraffic } from './database-traffic';
export * from './database-url';
export * from './embedded-postgres';
export * from './migrations';
export * from './prisma-adapter';
export * from './prisma-database';
export * from './raw-sql';
export * from './sql-client';
