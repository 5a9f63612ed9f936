export { loadStackConfig, REPO_ROOT, type StackConfig } from './config';
export { startStack, type RunningStack, type StackOptions } from './embedded';
export { subgraphSdls } from './subgraph-sdl';
export { SUBGRAPHS, type SubgraphEntry } from './subgraphs';
