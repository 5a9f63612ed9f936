import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { RouterContext } from '../context';

/** Calls one subgraph, carrying the request id so logs line up across processes. */
export class SubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  override willSendRequest({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    if (context && 'requestId' in context && context.requestId) {
      request.http?.headers.set('x-request-id', context.requestId);
    }
  }
}
