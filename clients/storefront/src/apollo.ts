import { ApolloClient, HttpLink, InMemoryCache, split } from '@apollo/client';
import { setContext } from '@apollo/client/link/context';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';
import { storedSession } from './session';

/** The router that served this page answers GraphQL on /graphql, over HTTP and graphql-ws. */
export function createApolloClient(): ApolloClient<unknown> {
  const httpUrl = new URL('/graphql', window.location.href);
  const wsUrl = new URL(httpUrl);
  wsUrl.protocol = httpUrl.protocol === 'https:' ? 'wss:' : 'ws:';

  const authorization = (): Record<string, string> => {
    const session = storedSession();
    return session ? { authorization: `Bearer ${session.accessToken}` } : {};
  };
  const http = setContext((_operation, { headers }) => ({
    headers: { ...(headers as Record<string, string> | undefined), ...authorization() },
  })).concat(new HttpLink({ uri: httpUrl.toString() }));
  // Lazy: the socket opens with the first subscription and closes after the
  // last, so each connection_init carries the token of the session then.
  const ws = new GraphQLWsLink(
    createClient({ url: wsUrl.toString(), connectionParams: authorization }),
  );

  return new ApolloClient({
    link: split(
      ({ query }) => {
        const definition = getMainDefinition(query);
        return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
      },
      ws,
      http,
    ),
    cache: new InMemoryCache({
      typePolicies: {
        // Inventory and money have no id of their own: the newest answer replaces the old one.
        Product: { fields: { inventory: { merge: true } } },
      },
    }),
  });
}
