import { passesLuhn } from '@shop/platform';
import { brandOf, validCard, type CardInput } from './card';

const NOW = new Date('2026-11-21T12:00:00Z');
const card = (overrides: Partial<CardInput> = {}): CardInput => ({
  cardNumber: '4242 4242-4242 4242',
  expMonth: 12,
  expYear: 2030,
  cvc: '123',
  ...overrides,
});
const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    const { message, extensions } = error as { message: string; extensions: { code: string } };
    return { message, code: extensions.code };
  }
  throw new Error('expected a rejection');
};

describe('card validation', () => {
  it('applies the Luhn checksum', () => {
    expect(passesLuhn('4242424242424242')).toBe(true);
    expect(passesLuhn('4242424242424241')).toBe(false);
    expect(passesLuhn('378282246310005')).toBe(true);
  });

  it.each([
    ['4242424242424242', 'VISA'],
    ['5105105105105100', 'MASTERCARD'],
    ['2221000000000009', 'MASTERCARD'],
    ['2720990000000000', 'MASTERCARD'],
    ['2721000000000000', 'UNKNOWN'],
    ['378282246310005', 'AMEX'],
    ['340000000000009', 'AMEX'],
    ['6011111111111117', 'DISCOVER'],
    ['6500000000000002', 'DISCOVER'],
    ['3530111333300000', 'UNKNOWN'],
  ])('detects the brand of %s as %s', (digits, brand) => {
    expect(brandOf(digits)).toBe(brand);
  });

  it('strips spaces and dashes and keeps only the brand and last four digits', () => {
    expect(validCard(card(), NOW)).toEqual({
      details: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' },
      brand: 'VISA',
      last4: '4242',
    });
  });

  it.each(['4242424242424241', '42424242424', '4242a24242424242', '42424242424242424242', ''])(
    'refuses the number %p without repeating it',
    (cardNumber) => {
      expect(codeOf(() => validCard(card({ cardNumber }), NOW))).toEqual({
        message: 'Invalid card number',
        code: 'BAD_USER_INPUT',
      });
    },
  );

  it('refuses a month outside 1..12 and an expiry in the past, accepting this month', () => {
    for (const expMonth of [0, 13, 1.5]) {
      expect(codeOf(() => validCard(card({ expMonth }), NOW)).code).toBe('BAD_USER_INPUT');
    }
    expect(codeOf(() => validCard(card({ expMonth: 10, expYear: 2026 }), NOW))).toEqual({
      message: 'The card has expired',
      code: 'BAD_USER_INPUT',
    });
    expect(codeOf(() => validCard(card({ expYear: 2025 }), NOW)).code).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validCard(card({ expYear: 3000 }), NOW)).code).toBe('BAD_USER_INPUT');
    expect(validCard(card({ expMonth: 11, expYear: 2026 }), NOW).last4).toBe('4242');
  });

  it('wants a 3-digit CVC, 4 digits for AMEX', () => {
    for (const cvc of ['12', '1234', 'abc']) {
      expect(codeOf(() => validCard(card({ cvc }), NOW)).message).toBe('cvc must be 3 digits');
    }
    const amex = { cardNumber: '3782 822463 10005' };
    expect(codeOf(() => validCard(card({ ...amex, cvc: '123' }), NOW)).message).toBe(
      'cvc must be 4 digits',
    );
    expect(validCard(card({ ...amex, cvc: '1234' }), NOW)).toMatchObject({
      brand: 'AMEX',
      last4: '0005',
    });
  });
});
