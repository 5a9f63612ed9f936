import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { IDENTITY_HEADER, IdentitySigner, type Identity } from '@shop/identity';
import type { Logger } from '@shop/platform';
import { REQUEST_ID_HEADER } from '@shop/platform';

/** What an upstream subscription reports. */
export interface UpstreamSink {
  next(event: FormattedExecutionResult): void;
  /** The subscription ended with errors (refused by the subgraph, or its connection lost). */
  error(errors: GraphQLFormattedError[]): void;
  complete(): void;
}

export interface UpstreamOperation {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
}

interface Connection {
  client: Client;
  subscriptions: number;
}

export interface SubgraphSubscriptionsOptions {
  identitySecret: string;
  /** Interval of graphql-ws pings to each subgraph, so a dead connection is noticed. */
  keepAliveMs: number;
  log: Logger;
}

/**
 * graphql-ws subscriptions from the router to subgraphs. A subgraph learns
 * who acts from the signed identity in connection_init, so a connection
 * belongs to one identity: subscriptions of the same identity to the same
 * subgraph share it, and it closes with its last subscription. A lost
 * connection is not retried: each of its subscriptions ends with an error
 * naming the subgraph, so no client waits on a stream that will never speak.
 */
export class SubgraphSubscriptions {
  private readonly connections = new Map<string, Connection>();
  private readonly signer: IdentitySigner;
  private openSockets = 0;

  constructor(private readonly options: SubgraphSubscriptionsOptions) {
    this.signer = new IdentitySigner(options.identitySecret);
  }

  /** Sockets open to subgraphs right now. */
  get sockets(): number {
    return this.openSockets;
  }

  /** `url`: the subgraph's HTTP GraphQL endpoint; graphql-ws is served on the same path. */
  subscribe(
    subgraph: string,
    url: string | undefined,
    identity: Identity,
    requestId: string,
    operation: UpstreamOperation,
    sink: UpstreamSink,
  ): () => void {
    if (!url) throw new Error(`No URL for subgraph ${subgraph}`);
    // By URL too: a supergraph that moves a subgraph opens new connections beside the old ones.
    const key = `${subgraph}\n${url}\n${JSON.stringify(identity)}`;
    let connection = this.connections.get(key);
    if (!connection) {
      connection = { client: this.connect(subgraph, url, identity, requestId), subscriptions: 0 };
      this.connections.set(key, connection);
    }
    connection.subscriptions++;
    const owner = connection;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      owner.subscriptions--;
      if (owner.subscriptions === 0 && this.connections.get(key) === owner) {
        this.connections.delete(key);
        void owner.client.dispose();
      }
    };
    const unsubscribe = owner.client.subscribe(operation, {
      next: (event) => sink.next(event as FormattedExecutionResult),
      error: (error) => {
        release();
        sink.error(errorsOf(subgraph, error));
      },
      complete: () => {
        release();
        sink.complete();
      },
    });
    return () => {
      unsubscribe();
      release();
    };
  }

  /** Closes every connection; their subscriptions end with an error. */
  async close(): Promise<void> {
    const clients = [...this.connections.values()].map((connection) => connection.client);
    this.connections.clear();
    await Promise.all(clients.map((client) => client.dispose()));
  }

  private connect(subgraph: string, url: string, identity: Identity, requestId: string): Client {
    const log = this.options.log;
    // One socket at a time per client (lazy, never retried): counts what is really open.
    let socketOpen = false;
    return createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      // Signed for this subgraph at every connect: a signature is only valid for seconds.
      connectionParams: () => ({
        [IDENTITY_HEADER]: this.signer.sign(identity, subgraph),
        [REQUEST_ID_HEADER]: requestId,
      }),
      lazy: true,
      lazyCloseTimeout: 0,
      retryAttempts: 0,
      keepAlive: this.options.keepAliveMs,
      on: {
        opened: () => {
          socketOpen = true;
          this.openSockets++;
        },
        closed: (event) => {
          // `closed` also fires for a socket that never opened.
          if (socketOpen) this.openSockets--;
          socketOpen = false;
          log.debug({ subgraph, code: codeOf(event) }, 'subgraph subscription connection closed');
        },
      },
    });
  }
}

function codeOf(event: unknown): number | undefined {
  const code = (event as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function errorsOf(subgraph: string, error: unknown): GraphQLFormattedError[] {
  if (Array.isArray(error)) {
    return (error as GraphQLFormattedError[]).map((each) => ({
      ...each,
      extensions: { ...each.extensions, serviceName: subgraph },
    }));
  }
  const code = codeOf(error);
  return [
    {
      message:
        code === undefined
          ? `The ${subgraph} subgraph's subscription failed`
          : `The ${subgraph} subgraph closed the subscription (code ${code})`,
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: subgraph },
    },
  ];
}
