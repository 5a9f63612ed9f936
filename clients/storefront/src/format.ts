import { ApolloError } from '@apollo/client';

export interface Money {
  amount: number;
  currency: string;
}

function currencyFormat(currency: string): Intl.NumberFormat {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency });
}

/** Digits after the point in a currency's minor units: 2 for USD, 0 for JPY. */
function minorDigits(currency: string): number {
  return currencyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Money in minor units, in the shopper's locale and the amount's own currency. */
export function formatMoney(money: Money): string {
  return currencyFormat(money.currency).format(money.amount / 10 ** minorDigits(money.currency));
}

/** An amount as a form shows it for editing: 1999 USD is "19.99". */
export function majorUnits(money: Money): string {
  const digits = minorDigits(money.currency);
  return (money.amount / 10 ** digits).toFixed(digits);
}

/** What a form's "19.99" means in minor units, or null when it is no amount. */
export function toMinorUnits(text: string, currency: string): number | null {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) return null;
  return Math.round(value * 10 ** minorDigits(currency));
}

/** What people call an order: "#1001". */
export function formatOrderNumber(number: number): string {
  return `#${number}`;
}

export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** The router's error code (FORBIDDEN, CONFLICT…), when it gave one. */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof ApolloError)) return undefined;
  const code = error.graphQLErrors[0]?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
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
