export * from './config';
export * from './errors';
export * from './logger';
export * from './http/apollo-handler';
export * from './http/body';
export * from './http/http-server';
export * from './http/respond';
export * from './process';
