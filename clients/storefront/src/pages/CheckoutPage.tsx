import { useMutation, useQuery } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import {
  AddAddressDocument,
  AddPaymentMethodDocument,
  CartDocument,
  CheckoutDocument,
  MeDocument,
  type AddressInput,
} from '../../../generated/operations';
import { errorMessage, formatMoney, newIdempotencyKey } from '../format';
import { Link, navigate } from '../navigation';
import { useSession } from '../session';

interface CardForm {
  cardNumber: string;
  expiry: string;
  cvc: string;
}

/** "MM/YY" or "MM/YYYY" as the processor wants it. */
function parseExpiry(expiry: string): { expMonth: number; expYear: number } {
  const [month = '', year = ''] = expiry.split('/').map((part) => part.trim());
  const expYear = Number(year.length === 2 ? `20${year}` : year);
  return { expMonth: Number(month), expYear };
}

function Field(props: { label: string; value: string; onChange(value: string): void }) {
  return (
    <label>
      {props.label}
      <input
        required
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </label>
  );
}

export function CheckoutPage() {
  const { session } = useSession();
  const me = useQuery(MeDocument, { skip: !session, fetchPolicy: 'network-only' });
  const cart = useQuery(CartDocument, { skip: !session });
  const [addAddress] = useMutation(AddAddressDocument);
  const [addPaymentMethod] = useMutation(AddPaymentMethodDocument);
  const [checkout] = useMutation(CheckoutDocument);
  // One key for this page: a second click after a lost answer charges once.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [address, setAddress] = useState<AddressInput>({
    line1: '',
    city: '',
    postalCode: '',
    country: 'US',
  });
  const [card, setCard] = useState<CardForm>({ cardNumber: '', expiry: '', cvc: '' });
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!session) {
    return (
      <p>
        <Link to="/login?next=%2Fcheckout">Sign in</Link> to check out.
      </p>
    );
  }
  const error = me.error ?? cart.error;
  if (error) return <p role="alert">{errorMessage(error)}</p>;
  if (!me.data || !cart.data) return <p>Loading…</p>;
  const items = cart.data.cart?.items ?? [];
  if (items.length === 0) {
    return (
      <p>
        Your cart is empty. <Link to="/">Browse the shop</Link>
      </p>
    );
  }
  const addresses = me.data.me?.addresses ?? [];
  const savedAddress = addresses.find((candidate) => candidate.isDefault) ?? addresses[0];

  const addressId = async (): Promise<string> => {
    if (savedAddress) return savedAddress.id;
    const { data } = await addAddress({ variables: { input: address } });
    return data!.addAddress.id;
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const shipTo = await addressId();
      const { data: added } = await addPaymentMethod({
        variables: {
          input: { cardNumber: card.cardNumber, cvc: card.cvc, ...parseExpiry(card.expiry) },
        },
      });
      const { data } = await checkout({
        variables: {
          input: {
            addressId: shipTo,
            paymentMethodId: added!.addPaymentMethod.id,
            idempotencyKey,
          },
        },
      });
      navigate(`/orders/${encodeURIComponent(data!.checkout.id)}`);
    } catch (caught) {
      setFailure(errorMessage(caught));
      setBusy(false);
    }
  };

  return (
    <form className="panel" onSubmit={(event) => void submit(event)}>
      <h1>Checkout</h1>
      <ul>
        {items.map(({ product, quantity }) => (
          <li key={product.id}>
            {quantity} × {product.name}
          </li>
        ))}
      </ul>
      <p className="subtotal">
        Total: <strong>{formatMoney(cart.data.cart!.subtotal)}</strong>
      </p>
      <h2>Ship to</h2>
      {savedAddress ? (
        <p>
          {savedAddress.line1}, {savedAddress.postalCode} {savedAddress.city},{' '}
          {savedAddress.country}
        </p>
      ) : (
        <fieldset>
          <Field
            label="Street"
            value={address.line1}
            onChange={(line1) => setAddress({ ...address, line1 })}
          />
          <Field
            label="City"
            value={address.city}
            onChange={(city) => setAddress({ ...address, city })}
          />
          <Field
            label="Postal code"
            value={address.postalCode}
            onChange={(postalCode) => setAddress({ ...address, postalCode })}
          />
          <Field
            label="Country"
            value={address.country}
            onChange={(country) => setAddress({ ...address, country })}
          />
        </fieldset>
      )}
      <h2>Pay with a card</h2>
      <fieldset>
        <Field
          label="Card number"
          value={card.cardNumber}
          onChange={(cardNumber) => setCard({ ...card, cardNumber })}
        />
        <Field
          label="Expiry (MM/YY)"
          value={card.expiry}
          onChange={(expiry) => setCard({ ...card, expiry })}
        />
        <Field label="CVC" value={card.cvc} onChange={(cvc) => setCard({ ...card, cvc })} />
      </fieldset>
      <button type="submit" disabled={busy}>
        Place order
      </button>
      {failure && <p role="alert">{failure}</p>}
    </form>
  );
}
