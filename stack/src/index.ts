export { loadStackConfig, REPO_ROOT, SUBGRAPH_NAMES, type StackConfig } from './config';
export { subgraphSdls } from './subgraph-sdl';
export { SUBGRAPHS, type SubgraphEntry } from './subgraphs';
