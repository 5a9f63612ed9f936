import { MAX_MONEY_AMOUNT } from '@shop/federation';
import { BadUserInputError } from '@shop/platform';

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

/** An ISO 4217 code, upper-cased, or BAD_USER_INPUT. */
export function currencyOf(value: string): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) {
    throw new BadUserInputError('currency must be an ISO 4217 code', { field: 'currency' });
  }
  return code;
}
