import { ApolloGateway, type ServiceMap } from '@apollo/gateway';
import type { Logger } from '@shop/platform';
import { subgraphEnvKey } from './config';
import type { SubgraphHttpClient } from './datasources/http-client';
import { SubgraphDataSource } from './datasources/subgraph-data-source';
import { subgraphsOf, type SupergraphSubgraph } from './supergraph';

export interface GatewaySetup {
  gateway: ApolloGateway;
  /** Every subgraph with the URL the router really calls. */
  subgraphs: SupergraphSubgraph[];
  /** The data source of every subgraph, shared by the gateway and the subscription executor. */
  sources: ServiceMap;
}

/**
 * The query planner and executor of @apollo/gateway over a static supergraph,
 * calling subgraphs through the shared keep-alive client. A URL in
 * `urlOverrides` (keyed by upper-cased subgraph name) wins over the one the
 * supergraph was composed with, so one supergraph file serves every
 * environment.
 */
export function createGateway(
  supergraphSdl: string,
  http: SubgraphHttpClient,
  urlOverrides: Record<string, string>,
  identitySecret: string,
  log: Logger,
): GatewaySetup {
  const routeOf = (name: string, url: string | undefined): string => {
    const resolved = urlOverrides[subgraphEnvKey(name)] ?? url;
    if (!resolved)
      throw new Error(`Subgraph ${name} has no URL: set SUBGRAPH_URL_${subgraphEnvKey(name)}`);
    return resolved;
  };
  const subgraphs = subgraphsOf(supergraphSdl).map((subgraph) => ({
    name: subgraph.name,
    url: routeOf(subgraph.name, subgraph.url),
  }));
  const sources: ServiceMap = Object.fromEntries(
    subgraphs.map(({ name, url }) => [
      name,
      new SubgraphDataSource({ url, fetcher: http.fetch as never }, identitySecret),
    ]),
  );
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: log,
    buildService: ({ name }) => {
      const source = sources[name];
      if (!source) throw new Error(`Subgraph ${name} is not in the supergraph`);
      return source;
    },
  });
  return { gateway, subgraphs, sources };
}
