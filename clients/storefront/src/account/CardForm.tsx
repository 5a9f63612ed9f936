import { useMutation } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import { AddPaymentMethodDocument, MeDocument } from '../../../generated/operations';
import { errorMessage } from '../format';
import { TextField } from '../TextField';

/** "MM/YY" or "MM/YYYY" as the processor wants it. */
function parseExpiry(expiry: string): { expMonth: number; expYear: number } {
  const [month = '', year = ''] = expiry.split('/').map((part) => part.trim());
  const expYear = Number(year.length === 2 ? `20${year}` : year);
  return { expMonth: Number(month), expYear };
}

/** Hands a card to the processor; only its brand and last four digits come back. */
export function CardForm({ onAdded }: { onAdded?(id: string): void }) {
  const [cardNumber, setCardNumber] = useState('');
  const [expiry, setExpiry] = useState('');
  const [cvc, setCvc] = useState('');
  const [addCard, added] = useMutation(AddPaymentMethodDocument, {
    refetchQueries: [MeDocument],
    awaitRefetchQueries: true,
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { data } = await addCard({
      variables: { input: { cardNumber, cvc, ...parseExpiry(expiry) } },
    }).catch(() => ({ data: null }));
    if (!data) return;
    setCardNumber('');
    setExpiry('');
    setCvc('');
    onAdded?.(data.addPaymentMethod.id);
  };
  return (
    <form className="inline-form" aria-label="New card" onSubmit={(event) => void submit(event)}>
      <TextField
        label="Card number"
        value={cardNumber}
        onChange={setCardNumber}
        autoComplete="cc-number"
      />
      <TextField label="Expiry (MM/YY)" value={expiry} onChange={setExpiry} autoComplete="cc-exp" />
      <TextField label="CVC" value={cvc} onChange={setCvc} autoComplete="cc-csc" />
      <button type="submit" disabled={added.loading}>
        Save card
      </button>
      {added.error && <p role="alert">{errorMessage(added.error)}</p>}
    </form>
  );
}
