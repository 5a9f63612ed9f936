export { loadRouterConfig, type RouterConfig } from './config';
export { subgraphEnvKey } from './datasources/subgraph-calls.settings';
export { startRouter, type RouterOptions, type RunningRouter } from './server';
export { subgraphsOf, type SupergraphSubgraph } from './supergraph/subgraphs';
