import { useMutation, useQuery } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import { CartDocument, CheckoutDocument, MeDocument } from '../../../generated/operations';
import { AddressForm } from '../account/AddressForm';
import { CardForm } from '../account/CardForm';
import { errorMessage, formatMoney, newIdempotencyKey } from '../format';
import { Link, navigate } from '../navigation';
import { useSession } from '../session';

interface Choice {
  id: string;
  label: string;
}

/** Radio buttons over the account's saved addresses or cards. */
function SavedChoices(props: {
  name: string;
  choices: Choice[];
  chosen: string | undefined;
  onChoose(id: string): void;
}) {
  return (
    <div role="radiogroup" aria-label={props.name}>
      {props.choices.map((choice) => (
        <label key={choice.id} className="choice">
          <input
            type="radio"
            name={props.name}
            checked={props.chosen === choice.id}
            onChange={() => props.onChoose(choice.id)}
          />
          {choice.label}
        </label>
      ))}
    </div>
  );
}

/** Checks out the whole cart to a saved address with a saved card (either added here first). */
export function CheckoutPage() {
  const { session } = useSession();
  const me = useQuery(MeDocument, { skip: !session, fetchPolicy: 'cache-and-network' });
  const cart = useQuery(CartDocument, { skip: !session, fetchPolicy: 'cache-and-network' });
  const [checkout, checkingOut] = useMutation(CheckoutDocument);
  // One key for this page: a second click after a lost answer charges once.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [addressId, setAddressId] = useState<string>();
  const [cardId, setCardId] = useState<string>();

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
  if (!cart.data.cart || items.length === 0) {
    return (
      <p>
        Your cart is empty. <Link to="/">Browse the shop</Link>
      </p>
    );
  }
  const addresses = me.data.me?.addresses ?? [];
  const cards = me.data.me?.paymentMethods ?? [];
  // The default address and the newest card unless the shopper picks others.
  const shipTo = addressId ?? (addresses.find((address) => address.isDefault) ?? addresses[0])?.id;
  const payWith = cardId ?? cards[0]?.id;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!shipTo || !payWith) return;
    const { data } = await checkout({
      variables: { input: { addressId: shipTo, paymentMethodId: payWith, idempotencyKey } },
    }).catch(() => ({ data: null }));
    if (data) navigate(`/orders/${encodeURIComponent(data.checkout.id)}`);
  };

  return (
    <section className="panel checkout">
      <h1>Checkout</h1>
      <ul>
        {items.map(({ product, quantity }) => (
          <li key={product.id}>
            {quantity} × {product.name}
          </li>
        ))}
      </ul>
      <p className="subtotal">
        Total: <strong>{formatMoney(cart.data.cart.subtotal)}</strong>
      </p>
      <h2>Ship to</h2>
      <SavedChoices
        name="Shipping address"
        chosen={shipTo}
        onChoose={setAddressId}
        choices={addresses.map((address) => ({
          id: address.id,
          label: `${address.line1}, ${address.postalCode} ${address.city}, ${address.country}`,
        }))}
      />
      <details open={addresses.length === 0}>
        <summary>Add an address</summary>
        <AddressForm onAdded={setAddressId} />
      </details>
      <h2>Pay with</h2>
      <SavedChoices
        name="Card"
        chosen={payWith}
        onChoose={setCardId}
        choices={cards.map((card) => ({ id: card.id, label: `${card.brand} •••• ${card.last4}` }))}
      />
      <details open={cards.length === 0}>
        <summary>Add a card</summary>
        <CardForm onAdded={setCardId} />
      </details>
      <form onSubmit={(event) => void submit(event)}>
        <button type="submit" disabled={!shipTo || !payWith || checkingOut.loading}>
          Place order
        </button>
        {checkingOut.error && <p role="alert">{errorMessage(checkingOut.error)}</p>}
      </form>
    </section>
  );
}
