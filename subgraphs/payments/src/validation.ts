import { isUuid, MAX_MONEY_AMOUNT } from '@shop/federation';
import { BadUserInputError, trimmedText } from '@shop/platform';

const MAX_KEY_LENGTH = 200;

/** A positive amount in minor units, or BAD_USER_INPUT. */
export function amountOf(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_MONEY_AMOUNT) {
    throw new BadUserInputError(
      `amount must be a whole number of minor units from 1 to ${MAX_MONEY_AMOUNT}`,
      {
        field: 'amount',
      },
    );
  }
  return value;
}

/** A whole number from min to max, or BAD_USER_INPUT naming the field. */
export function integerIn(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BadUserInputError(`${field} must be an integer from ${min} to ${max}`, { field });
  }
  return value;
}

/** An ISO 4217 code, upper-cased, or BAD_USER_INPUT. */
export function currencyOf(value: string): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) {
    throw new BadUserInputError('currency must be an ISO 4217 code', { field: 'currency' });
  }
  return code;
}

export function idempotencyKeyOf(value: string): string {
  return trimmedText(value, 'idempotencyKey', 1, MAX_KEY_LENGTH);
}

/** The value, or BAD_USER_INPUT naming the field when it is not a UUID (every id here is one). */
export function uuidOf(value: string, field: string): string {
  if (!isUuid(value)) throw new BadUserInputError(`${field} must be a UUID`, { field });
  return value;
}
