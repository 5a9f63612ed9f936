import { ApolloError } from '@apollo/client';

export function formatMoney(money: { amount: number; currency: string }): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: money.currency }).format(
    money.amount / 100,
  );
}

/** What the router said went wrong, as a shopper can read it. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApolloError) {
    const [first] = error.graphQLErrors;
    if (first) return first.message;
    if (error.networkError) return 'The shop cannot be reached; try again.';
  }
  return error instanceof Error ? error.message : String(error);
}

/** A fresh idempotency key (getRandomValues works on plain http too, unlike randomUUID). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
