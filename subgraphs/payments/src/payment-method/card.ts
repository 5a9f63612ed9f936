import { BadUserInputError, passesLuhn } from '@shop/platform';
import type { CardDetails } from '../processor/card-processor';

export type CardBrand = 'VISA' | 'MASTERCARD' | 'AMEX' | 'DISCOVER' | 'UNKNOWN';

export interface CardInput {
  cardNumber: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

/** A checked card: the details go to the processor, brand and last4 are what is kept. */
export interface ValidCard {
  details: CardDetails;
  brand: CardBrand;
  last4: string;
}

/** No card is valid for longer than this, so a typo in the year is caught. */
const MAX_YEARS_AHEAD = 50;

/** The network, from the number's issuer prefix. */
export function brandOf(digits: string): CardBrand {
  if (digits.startsWith('4')) return 'VISA';
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'MASTERCARD';
  if (two === 34 || two === 37) return 'AMEX';
  if (digits.startsWith('6011') || two === 65) return 'DISCOVER';
  return 'UNKNOWN';
}

/**
 * Checks a card as typed (spaces and dashes allowed in the number) or answers
 * BAD_USER_INPUT naming the field. No message repeats what was typed: the
 * number and CVC must not reach a response or a log line.
 */
export function validCard(input: CardInput, now: Date = new Date()): ValidCard {
  const digits = input.cardNumber.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits) || !passesLuhn(digits)) {
    throw new BadUserInputError('Invalid card number', { field: 'cardNumber' });
  }
  const brand = brandOf(digits);

  const { expMonth, expYear } = input;
  if (!Number.isInteger(expMonth) || expMonth < 1 || expMonth > 12) {
    throw new BadUserInputError('expMonth must be an integer from 1 to 12', { field: 'expMonth' });
  }
  const thisYear = now.getUTCFullYear();
  if (!Number.isInteger(expYear) || expYear > thisYear + MAX_YEARS_AHEAD) {
    throw new BadUserInputError('expYear must be a four-digit year', { field: 'expYear' });
  }
  // A card is valid through the last day of its expiry month.
  if (expYear < thisYear || (expYear === thisYear && expMonth < now.getUTCMonth() + 1)) {
    throw new BadUserInputError('The card has expired', { field: 'expYear' });
  }

  const cvcLength = brand === 'AMEX' ? 4 : 3;
  if (input.cvc.length !== cvcLength || !/^\d+$/.test(input.cvc)) {
    throw new BadUserInputError(`cvc must be ${cvcLength} digits`, { field: 'cvc' });
  }

  return {
    details: { number: digits, expMonth, expYear, cvc: input.cvc },
    brand,
    last4: digits.slice(-4),
  };
}
