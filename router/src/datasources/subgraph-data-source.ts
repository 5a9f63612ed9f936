import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ANONYMOUS, IDENTITY_HEADER, signIdentity } from '@shop/identity';
import type { RouterContext } from '../context';

/**
 * Calls one subgraph with the caller's identity signed for it (subgraphs
 * refuse anything else) and the request id, so logs line up across processes.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  constructor(
    options: ConstructorParameters<typeof RemoteGraphQLDataSource<RouterContext>>[0],
    private readonly identitySecret: string,
  ) {
    super(options);
  }

  override willSendRequest({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    const routerContext = context as Partial<RouterContext> | undefined;
    headers.set(
      IDENTITY_HEADER,
      signIdentity(routerContext?.identity ?? ANONYMOUS, this.identitySecret),
    );
    if (routerContext?.requestId) headers.set('x-request-id', routerContext.requestId);
  }
}
