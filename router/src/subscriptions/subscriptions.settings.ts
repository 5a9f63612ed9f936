import { z } from 'zod';
import type { VariablesOf } from '@shop/platform';
import type { ConnectionLimitSettings } from './connection-admission';

/** Subscriptions over graphql-ws and multipart HTTP, and the limits on the connections they hold. */
export const subscriptionVariables = {
  /**
   * Pings to clients and to subgraphs; a peer that stops answering is dropped.
   * @default 12000
   */
  SUBSCRIPTION_KEEPALIVE_MS: z.coerce.number().int().min(100).default(12_000),
  /**
   * Events a client may fall behind by before its subscription ends.
   * @default 100
   */
  SUBSCRIPTION_MAX_QUEUED_EVENTS: z.coerce.number().int().min(1).default(100),
  /**
   * Empty parts that keep a multipart subscription's response alive.
   * @default 5000
   */
  MULTIPART_HEARTBEAT_MS: z.coerce.number().int().min(100).default(5_000),
  /**
   * Long-lived connections (graphql-ws sockets and multipart subscriptions
   * alike) per client address, an IPv6 one's /64 (0: no limit). Wide: an
   * office or a mobile carrier puts many shoppers behind one address; behind
   * a proxy that hides client addresses every client shares one, so raise
   * it or set 0.
   * @default 256
   */
  SUBSCRIPTION_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(0).default(256),
  /**
   * The same per signed-in user, wherever they connect from: a few tabs and devices (0: no limit).
   * @default 16
   */
  SUBSCRIPTION_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(0).default(16),
  /**
   * Operations one graphql-ws socket may run at once (MAX_SUBSCRIPTIONS_EXCEEDED; 0: no limit).
   * @default 50
   */
  SUBSCRIPTION_MAX_PER_CONNECTION: z.coerce.number().int().min(0).default(50),
  /**
   * How long a graphql-ws socket may take to send connection_init (then 4408).
   * @default 3000
   */
  SUBSCRIPTION_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
};

export function subscriptionSettingsOf(variables: VariablesOf<typeof subscriptionVariables>) {
  const limits: ConnectionLimitSettings = {
    maxPerAddress: variables.SUBSCRIPTION_MAX_CONNECTIONS_PER_ADDRESS,
    maxPerUser: variables.SUBSCRIPTION_MAX_CONNECTIONS_PER_USER,
    maxSubscriptionsPerConnection: variables.SUBSCRIPTION_MAX_PER_CONNECTION,
    initTimeoutMs: variables.SUBSCRIPTION_INIT_TIMEOUT_MS,
  };
  return {
    keepAliveMs: variables.SUBSCRIPTION_KEEPALIVE_MS,
    maxQueuedEvents: variables.SUBSCRIPTION_MAX_QUEUED_EVENTS,
    multipartHeartbeatMs: variables.MULTIPART_HEARTBEAT_MS,
    limits,
  };
}
