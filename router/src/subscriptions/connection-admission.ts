import { GraphQLError } from 'graphql';
import type { Identity } from '@shop/identity';
import { ConcurrencyLimit, type Release } from './concurrency-limit';

/** The limits a refusal is counted under in /metrics (router_subscription_refusals_total). */
export const REFUSAL_REASONS = [
  'connections_per_address',
  'connections_per_user',
  'connection_init_timeout',
  'subscriptions_per_connection',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export const ConnectionLimitCode = {
  /** A multipart subscription over the per-address or per-user limit (HTTP 429). */
  MAX_CONNECTIONS_EXCEEDED: 'MAX_CONNECTIONS_EXCEEDED',
  /** One operation more than a graphql-ws connection may run at once. */
  MAX_SUBSCRIPTIONS_EXCEEDED: 'MAX_SUBSCRIPTIONS_EXCEEDED',
} as const;

/**
 * The close code of a graphql-ws connection over a limit: the standard 1013
 * "Try Again Later" (RFC 6455's registry: the server is refusing for a
 * temporary condition), not one of graphql-ws's 44xx. 4429 means a second
 * connection_init on one socket and 4403 a refused identity, both fatal to
 * graphql-ws's client, while this condition ends when another connection of
 * the same caller closes; on 1013 the client retries with its own backoff.
 */
export const TRY_AGAIN_LATER = 1013;

export const TOO_MANY_FROM_ADDRESS = 'Too many connections from this address';
export const TOO_MANY_FOR_USER = 'Too many connections for this user';

export interface ConnectionLimitSettings {
  /** Open graphql-ws connections and multipart subscriptions per client address (0: no limit). */
  maxPerAddress: number;
  /** The same per signed-in user, wherever they connect from (0: no limit). */
  maxPerUser: number;
  /** Operations one graphql-ws connection may run at once (0: no limit). */
  maxSubscriptionsPerConnection: number;
  /** How long a graphql-ws socket may take to send connection_init. */
  initTimeoutMs: number;
}

/** Either a lease on a slot, or why there is none. */
export type Admission = { release: Release } | { refused: string };

/**
 * The router's limits on long-lived connections, one count shared by
 * graphql-ws sockets and multipart subscriptions (both hold a socket, a
 * subscriber and its queue open), each refusal counted by reason.
 */
export class ConnectionAdmission {
  private readonly addresses: ConcurrencyLimit;
  private readonly users: ConcurrencyLimit;

  constructor(
    readonly settings: ConnectionLimitSettings,
    private readonly counted: (reason: RefusalReason) => void,
  ) {
    this.addresses = new ConcurrencyLimit(settings.maxPerAddress);
    this.users = new ConcurrencyLimit(settings.maxPerUser);
  }

  /** A slot for one more connection from `address`, asked before the caller says who it is. */
  admitAddress(address: string): Admission {
    const release = this.addresses.acquire(address);
    if (release) return { release };
    this.refused('connections_per_address');
    return { refused: TOO_MANY_FROM_ADDRESS };
  }

  /** A slot for one more connection of a signed-in user; anyone else has only the address's. */
  admitIdentity(identity: Identity): Admission {
    if (identity.kind !== 'user') return { release: () => undefined };
    const release = this.users.acquire(identity.userId);
    if (release) return { release };
    this.refused('connections_per_user');
    return { refused: TOO_MANY_FOR_USER };
  }

  /** Both slots at once, for a connection whose caller is known from its first request. */
  admit(address: string, identity: Identity): Admission {
    const byAddress = this.admitAddress(address);
    if (!('release' in byAddress)) return byAddress;
    const byIdentity = this.admitIdentity(identity);
    if (!('release' in byIdentity)) {
      byAddress.release();
      return byIdentity;
    }
    return {
      release: () => {
        byIdentity.release();
        byAddress.release();
      },
    };
  }

  /**
   * Undefined while a connection running `running` operations (the new one
   * included) may start one more; the error to answer it with otherwise.
   */
  operationRefusal(running: number): GraphQLError | undefined {
    const max = this.settings.maxSubscriptionsPerConnection;
    if (max <= 0 || running <= max) return undefined;
    this.refused('subscriptions_per_connection');
    return new GraphQLError(`At most ${max} operations may run at once on one connection`, {
      extensions: { code: ConnectionLimitCode.MAX_SUBSCRIPTIONS_EXCEEDED, limit: max },
    });
  }

  refused(reason: RefusalReason): void {
    this.counted(reason);
  }
}
