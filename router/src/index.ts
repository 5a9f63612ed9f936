export { loadRouterConfig, subgraphEnvKey, type RouterConfig } from './config';
export { startRouter, type RouterOptions, type RunningRouter } from './server';
export { subgraphsOf, type SupergraphSubgraph } from './supergraph/subgraphs';
