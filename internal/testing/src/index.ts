export * from './graphql-client';
export * from './test-database';
export * from './identities';
export * from './events';
