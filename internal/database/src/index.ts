export * from './database-traffic';
export * from './database-url';
export * from './embedded-postgres';
export * from './migrations';
export * from './prisma-adapter';
export * from './prisma-database';
export * from './raw-sql';
export * from './sql-client';
