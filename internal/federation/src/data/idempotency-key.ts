import { BadUserInputError } from '@shop/platform';

/** Long enough for any client's key (a UUID, a hash, a composite of ids), short enough to index. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/**
 * An idempotency key as given, or BAD_USER_INPUT. Keys are opaque: compared
 * exactly as sent, never trimmed or folded (two keys that differ only in a
 * space are two requests), and a key of only whitespace is refused as empty.
 * The one rule for every subgraph that takes one (checkout, reservations,
 * authorizations, refunds).
 */
export function idempotencyKeyOf(value: string): string {
  if (value.trim().length === 0 || value.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new BadUserInputError(
      `idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters long, not only spaces`,
      { field: 'idempotencyKey' },
    );
  }
  return value;
}
