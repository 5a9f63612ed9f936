import type { MoneyInput } from '@shop/federation';
import { BadUserInputError } from '@shop/platform';

/** The highest price the catalogue accepts, in minor units (1,000,000.00). */
export const MAX_PRICE = 100_000_000;

/** A price as given, or BAD_USER_INPUT naming the field that is wrong. */
export function validPrice(price: MoneyInput, field = 'price'): MoneyInput {
  const { amount, currency } = price;
  if (!Number.isInteger(amount) || amount < 0 || amount > MAX_PRICE) {
    throw new BadUserInputError(
      `${field}.amount must be a whole number of minor units from 0 to ${MAX_PRICE}`,
      { field: `${field}.amount` },
    );
  }
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new BadUserInputError(
      `${field}.currency must be an ISO 4217 code in capitals, such as "USD"`,
      { field: `${field}.currency` },
    );
  }
  return { amount, currency };
}
