import { formatMoney } from './money';

describe('formatMoney', () => {
  it('reads amounts in minor units with the decimals of their currency', () => {
    expect(formatMoney({ amount: 123450, currency: 'USD' })).toBe('$1,234.50');
    expect(formatMoney({ amount: 999, currency: 'EUR' })).toBe('€9.99');
    // The yen has no minor unit: 1200 is ¥1,200.
    expect(formatMoney({ amount: 1200, currency: 'JPY' })).toBe('¥1,200');
  });
});
