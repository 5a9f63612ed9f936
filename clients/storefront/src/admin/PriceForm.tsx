import { useMutation } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import { UpdatePriceDocument } from '../../../generated/operations';
import { errorMessage, formatMoney, majorUnits, toMinorUnits, type Money } from '../format';

/** The product's price in its currency; shoppers watching it see the change live. */
export function PriceForm({ productId, price }: { productId: string; price: Money }) {
  const [text, setText] = useState(() => majorUnits(price));
  const [invalid, setInvalid] = useState(false);
  const [updatePrice, updated] = useMutation(UpdatePriceDocument);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const amount = toMinorUnits(text, price.currency);
    setInvalid(amount === null);
    if (amount === null) return;
    updatePrice({
      variables: { productId, price: { amount, currency: price.currency } },
    }).catch(() => undefined);
  };
  return (
    <form className="panel" onSubmit={submit} aria-label="Price">
      <h2>Price</h2>
      <p>
        Now <strong data-testid="current-price">{formatMoney(price)}</strong>
      </p>
      <label className="inline">
        New price ({price.currency}){' '}
        <input inputMode="decimal" value={text} onChange={(event) => setText(event.target.value)} />
      </label>{' '}
      <button type="submit" disabled={updated.loading}>
        Update price
      </button>
      {invalid && <p role="alert">A price is a positive amount, such as 19.99.</p>}
      {updated.error && <p role="alert">{errorMessage(updated.error)}</p>}
    </form>
  );
}
