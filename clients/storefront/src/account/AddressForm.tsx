import { useMutation } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import { AddAddressDocument, MeDocument, type AddressInput } from '../../../generated/operations';
import { errorMessage } from '../format';
import { TextField } from '../TextField';

const EMPTY: AddressInput = { line1: '', city: '', postalCode: '', country: 'US' };

/** Saves a new address to the account; the account's lists are fetched again. */
export function AddressForm({ onAdded }: { onAdded?(id: string): void }) {
  const [address, setAddress] = useState<AddressInput>(EMPTY);
  const [addAddress, added] = useMutation(AddAddressDocument, {
    refetchQueries: [MeDocument],
    awaitRefetchQueries: true,
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { data } = await addAddress({ variables: { input: address } }).catch(() => ({
      data: null,
    }));
    if (!data) return;
    setAddress(EMPTY);
    onAdded?.(data.addAddress.id);
  };
  return (
    <form className="inline-form" aria-label="New address" onSubmit={(event) => void submit(event)}>
      <TextField
        label="Street"
        value={address.line1}
        onChange={(line1) => setAddress({ ...address, line1 })}
      />
      <TextField
        label="City"
        value={address.city}
        onChange={(city) => setAddress({ ...address, city })}
      />
      <TextField
        label="Postal code"
        value={address.postalCode}
        onChange={(postalCode) => setAddress({ ...address, postalCode })}
      />
      <TextField
        label="Country"
        value={address.country}
        onChange={(country) => setAddress({ ...address, country: country.toUpperCase() })}
      />
      <button type="submit" disabled={added.loading}>
        Save address
      </button>
      {added.error && <p role="alert">{errorMessage(added.error)}</p>}
    </form>
  );
}
