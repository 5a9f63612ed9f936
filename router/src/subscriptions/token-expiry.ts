import type { GraphQLFormattedError } from 'graphql';

export const TOKEN_EXPIRED: GraphQLFormattedError = {
  message: 'The access token has expired; subscribe again with a fresh one',
  extensions: { code: 'UNAUTHENTICATED' },
};
/** setTimeout's longest delay; a later expiry is re-armed when it fires. */
const MAX_DELAY_MS = 2_147_483_647;

/**
 * Ends a subscription with UNAUTHENTICATED when the access token it was
 * authorized with expires: a subscription is no way to outlive a token.
 * Answers a function that stops the watch (when the subscription ends first).
 */
export function endAtExpiry(
  subscription: { end(errors: GraphQLFormattedError[]): void },
  expiresAt: Date | undefined,
): () => void {
  if (!expiresAt) return () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    const delay = expiresAt.getTime() - Date.now();
    if (delay <= 0) {
      subscription.end([TOKEN_EXPIRED]);
      return;
    }
    timer = setTimeout(check, Math.min(delay, MAX_DELAY_MS));
    timer.unref();
  };
  check();
  return () => clearTimeout(timer);
}

export function hasExpired(expiresAt: Date | undefined): boolean {
  return expiresAt !== undefined && expiresAt.getTime() <= Date.now();
}
