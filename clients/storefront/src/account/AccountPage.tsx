import { useQuery } from '@apollo/client';
import { MeDocument } from '../../../generated/operations';
import { errorMessage } from '../format';
import { Link } from '../navigation';
import { useSession } from '../session';
import { AddressForm } from './AddressForm';
import { CardForm } from './CardForm';
import { OrderHistory } from './OrderHistory';

/** The shopper's addresses, saved cards and orders. */
export function AccountPage() {
  const { session } = useSession();
  const me = useQuery(MeDocument, { skip: !session, fetchPolicy: 'cache-and-network' });
  if (!session) {
    return (
      <p>
        <Link to="/login?next=%2Faccount">Sign in</Link> to see your account.
      </p>
    );
  }
  if (me.error) return <p role="alert">{errorMessage(me.error)}</p>;
  const user = me.data?.me;
  if (!user) return <p>Loading…</p>;
  return (
    <div className="account">
      <h1>{user.name}</h1>
      <p>{user.email}</p>
      <section className="panel">
        <h2>Addresses</h2>
        <ul>
          {(user.addresses ?? []).map((address) => (
            <li key={address.id}>
              {address.line1}, {address.postalCode} {address.city}, {address.country}
              {address.isDefault && ' (default)'}
            </li>
          ))}
        </ul>
        <details>
          <summary>Add an address</summary>
          <AddressForm />
        </details>
      </section>
      <section className="panel">
        <h2>Saved cards</h2>
        <ul>
          {(user.paymentMethods ?? []).map((card) => (
            <li key={card.id}>
              {card.brand} •••• {card.last4}, expires {String(card.expMonth).padStart(2, '0')}/
              {card.expYear}
            </li>
          ))}
        </ul>
        <details>
          <summary>Add a card</summary>
          <CardForm />
        </details>
      </section>
      <section className="panel">
        <h2>Orders</h2>
        <OrderHistory />
      </section>
    </div>
  );
}
