import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import type { RouterContext } from '../context';
import type { CurrentSupergraph } from './current-supergraph';

type GatewayInterface = ApolloServerOptionsWithGateway<RouterContext>['gateway'];
type SchemaListener = Parameters<GatewayInterface['onSchemaLoadOrUpdate']>[0];
type GatewayExecutor = Awaited<ReturnType<GatewayInterface['load']>>['executor'];

/**
 * What Apollo Server runs as its gateway: the schema of the current
 * supergraph, announced again at every swap (Apollo Server then validates new
 * requests against it, with a document cache of its own), and one executor
 * that runs each request on the state whose schema it was validated against.
 */
export function supergraphGateway(supergraph: CurrentSupergraph): GatewayInterface {
  const listeners = new Set<SchemaListener>();
  const announce = () => {
    const { schema, supergraphSdl } = supergraph.current;
    for (const listener of listeners)
      listener({ apiSchema: schema, coreSupergraphSdl: supergraphSdl });
  };
  const stopAnnouncing = supergraph.onSwap(announce);
  const executor: GatewayExecutor = (requestContext) =>
    supergraph
      .stateOf(requestContext.schema)
      // Apollo Server's copy of the gateway interface types, the same shape as the gateway's.
      .executor.executeRequest(requestContext as never);
  return {
    load() {
      announce();
      return Promise.resolve({ executor });
    },
    onSchemaLoadOrUpdate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      stopAnnouncing();
      await supergraph.current.retire();
    },
  };
}
