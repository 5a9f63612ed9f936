export * from './compose';
export * from './supergraph-config';
export * from './api-schema';
