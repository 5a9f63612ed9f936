export * from './access-token';
export * from './development-keys';
export * from './identity';
export * from './signed-identity';
export * from './settings';
