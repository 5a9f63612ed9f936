import { printSubgraphSchema } from '@apollo/subgraph';
import { runServiceProcess, type Logger } from '@shop/platform';
import type { LaunchedSubgraph, LaunchOptions, SubgraphSettings } from './launch-subgraph';

/**
 * A subgraph's main.ts: the subgraph as a process of its own, seeding the
 * demo data when SEED_DEMO_DATA asks, and telling a supervising npm start
 * the SDL it serves, from which the supergraph is composed.
 */
export function runSubgraphProcess<Config extends SubgraphSettings>(
  name: string,
  loadConfig: () => Config,
  start: (config: Config, options: LaunchOptions) => Promise<LaunchedSubgraph<unknown, unknown>>,
): void {
  runServiceProcess({
    name,
    loadConfig,
    logLevelOf: (config) => config.logLevel,
    start: (config, log: Logger) => start(config, { log, seed: config.seedDemoData }),
    ready: (subgraph) => ({ url: subgraph.url, sdl: printSubgraphSchema(subgraph.schema) }),
  });
}
