import 'reflect-metadata';

export * from './schema/build-federated-schema';
export * from './cache/cache-hints';
export * from './server/format-error';
export * from './server/launch-subgraph';
export * from './server/periodic-job';
export * from './server/subgraph-settings';
export * from './server/request-context';
export * from './server/subgraph-server';
export * from './server/subgraph-process';
export * from './types/connection';
export * from './types/money';
export * from './data/ids';
export * from './data/loaders';
export * from './data/pagination';
export * from './data/prisma-errors';
export * from './auth/guards';
