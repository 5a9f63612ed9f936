import type { IncomingMessage } from 'node:http';
import type { GraphQLFormattedError } from 'graphql';
import type { Identity } from '@shop/identity';
import { RateLimitedError } from '@shop/platform';
import type { Safelist } from '../limits/safelist';
import type { RateLimitAdmission } from '../rate-limit/rate-limit-admission';

/**
 * What the router's door asks of every operation over HTTP, asked of
 * operations arriving over graphql-ws and multipart subscriptions too: only
 * registered operations on a safelisted router, and a token from the
 * caller's rate-limit bucket.
 */
export interface SubscriptionAdmission {
  safelist?: Safelist;
  rateLimit?: RateLimitAdmission;
}

/** The RATE_LIMITED error when the caller's bucket is empty, undefined when admitted. */
export async function rateLimitRefusal(
  admission: SubscriptionAdmission,
  identity: Identity,
  req: IncomingMessage,
): Promise<(GraphQLFormattedError & { retryAfterSeconds: number }) | undefined> {
  try {
    await admission.rateLimit?.admit(identity, req);
    return undefined;
  } catch (error) {
    if (!(error instanceof RateLimitedError)) throw error;
    const retryAfterSeconds = Number(error.extensions.retryAfterSeconds);
    return {
      message: error.message,
      extensions: { code: error.code, retryAfterSeconds },
      retryAfterSeconds,
    };
  }
}
