/** An amount in the currency's minor units (cents), as events carry it. */
export interface Money {
  amount: number;
  currency: string;
}

/** Each format with its currency's decimals, read once: resolvedOptions() builds a new object per call. */
const formats = new Map<string, { format: Intl.NumberFormat; digits: number }>();

/** "$1,234.50", "¥1,200": the amount in its currency's own number of decimals. */
export function formatMoney({ amount, currency }: Money, locale = 'en-US'): string {
  const key = `${locale} ${currency}`;
  let known = formats.get(key);
  if (!known) {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    known = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    formats.set(key, known);
  }
  return known.format.format(amount / 10 ** known.digits);
}
