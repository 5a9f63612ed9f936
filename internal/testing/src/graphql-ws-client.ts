import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { Identity } from '@shop/identity';
import { identityHeaders, signedForSubgraphAt } from './identities';

export interface WsClose {
  code: number;
  reason: string;
}

/** One result, as the server sent it. */
export interface SubscriptionResult<Data> {
  data?: Data | null;
  errors?: GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
}

/** How a subscription ended: completed by the server, or failed (errors sent, or the socket closed). */
export type SubscriptionEnd =
  { kind: 'complete' } | { kind: 'error'; errors?: GraphQLFormattedError[]; close?: WsClose };

export interface TestSubscription<Data> {
  /** Every result the server sent so far, in order. */
  readonly results: SubscriptionResult<Data>[];
  /** The first `count` results, once they arrived; fails after `timeoutMs` or when the subscription ends short. */
  take(count: number, timeoutMs?: number): Promise<SubscriptionResult<Data>[]>;
  /** Settles when the subscription ends without the client leaving. */
  readonly ended: Promise<SubscriptionEnd>;
  unsubscribe(): void;
}

export interface TestWsClient {
  subscribe<Data = Record<string, unknown>, Variables = Record<string, unknown>>(
    query: string | TypedDocumentNode<Data, Variables>,
    variables?: Variables,
  ): TestSubscription<Data>;
  /** The socket's first close, whoever closed it (4403 when connection_init was refused). */
  readonly closed: Promise<WsClose>;
  close(): Promise<void>;
}

/**
 * connection_init's payload for a subgraph, signed as the router would for
 * this identity: for `audience`, or, without one, by wsClient for the
 * subgraph it connects to.
 */
export function identityConnectionParams(
  identity: Identity,
  audience?: string,
): Record<string, string> {
  return identityHeaders(identity, audience);
}

/**
 * A graphql-ws (graphql-transport-ws) client for tests: connects at once to
 * the ws:// twin of `httpUrl` with `connectionParams` in connection_init,
 * never retries, and records what each subscription receives.
 */
export function wsClient(
  httpUrl: string,
  connectionParams: Record<string, unknown> = {},
): TestWsClient {
  let onClosed!: (close: WsClose) => void;
  const closed = new Promise<WsClose>((resolve) => {
    onClosed = resolve;
  });
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: () => signedForSubgraphAt(httpUrl, connectionParams),
    lazy: false,
    retryAttempts: 0,
    // A refused connection is reported through `closed` and each subscription's `ended`.
    onNonLazyError: () => undefined,
    on: { closed: (event) => onClosed(closeOf(event)) },
  });

  return {
    closed,
    subscribe<Data, Variables>(
      query: string | TypedDocumentNode<Data, Variables>,
      variables?: Variables,
    ): TestSubscription<Data> {
      const results: SubscriptionResult<Data>[] = [];
      const listeners = new Set<() => void>();
      let end: SubscriptionEnd | undefined;
      let onEnded!: (end: SubscriptionEnd) => void;
      const ended = new Promise<SubscriptionEnd>((resolve) => {
        onEnded = resolve;
      });
      const finish = (how: SubscriptionEnd) => {
        end = how;
        onEnded(how);
        for (const listener of listeners) listener();
      };
      const unsubscribe = client.subscribe<Data>(
        {
          query: typeof query === 'string' ? query : print(query),
          variables: variables as Record<string, unknown> | undefined,
        },
        {
          next: (result) => {
            results.push(result as SubscriptionResult<Data>);
            for (const listener of listeners) listener();
          },
          error: (error) =>
            finish(
              Array.isArray(error)
                ? { kind: 'error', errors: error as GraphQLFormattedError[] }
                : { kind: 'error', close: closeOf(error) },
            ),
          complete: () => finish({ kind: 'complete' }),
        },
      );

      const take = (count: number, timeoutMs = 10_000) =>
        new Promise<SubscriptionResult<Data>[]>((resolve, reject) => {
          const settle = () => {
            if (results.length >= count) {
              resolve(results.slice(0, count));
            } else if (end) {
              reject(new Error(`ended (${JSON.stringify(end)}) after ${describe(results)}`));
            } else {
              return;
            }
            clearTimeout(timer);
            listeners.delete(settle);
          };
          const timer = setTimeout(() => {
            listeners.delete(settle);
            reject(new Error(`wanted ${count} results in ${timeoutMs} ms; ${describe(results)}`));
          }, timeoutMs);
          listeners.add(settle);
          settle();
        });

      return { results, take, ended, unsubscribe };
    },
    async close() {
      await client.dispose();
    },
  };
}

function closeOf(event: unknown): WsClose {
  const { code, reason } = (event ?? {}) as { code?: unknown; reason?: unknown };
  return { code: typeof code === 'number' ? code : 0, reason: String(reason ?? '') };
}

function describe(results: unknown[]): string {
  return `got ${results.length}: ${JSON.stringify(results)}`;
}
