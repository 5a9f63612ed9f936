import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ANONYMOUS, IDENTITY_HEADER, identityKeyFor, signIdentity } from '@shop/identity';
import type { RouterContext } from '../context';
import { REQUEST_ID_HEADER } from '@shop/platform';

/**
 * Calls one subgraph with the caller's identity signed for it (subgraphs
 * refuse anything else, another subgraph's header too) and the request id,
 * so logs line up across processes. Signed at every call: the gateway's
 * executor also runs subscription events, whose context outlives a header.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  private readonly identityKey: string;

  constructor(
    options: ConstructorParameters<typeof RemoteGraphQLDataSource<RouterContext>>[0],
    subgraph: string,
    identitySecret: string,
  ) {
    super(options);
    this.identityKey = identityKeyFor(identitySecret, subgraph);
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
      signIdentity(routerContext?.identity ?? ANONYMOUS, this.identityKey),
    );
    if (routerContext?.requestId) headers.set(REQUEST_ID_HEADER, routerContext.requestId);
  }
}
