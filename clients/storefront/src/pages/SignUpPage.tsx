import { useMutation } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import { RegisterDocument } from '../../../generated/operations';
import { errorMessage } from '../format';
import { Link, navigate } from '../navigation';
import { useSession } from '../session';

/** A new CUSTOMER account, signed in at once. */
export function SignUpPage({ next }: { next: string }) {
  const { signIn } = useSession();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [register, { loading, error }] = useMutation(RegisterDocument);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { data } = await register({ variables: { input: { name, email, password } } }).catch(
      () => ({ data: null }),
    );
    if (!data) return;
    const { accessToken, user } = data.register;
    signIn({
      accessToken,
      user: { id: user.id, email: user.email ?? email, name: user.name, role: user.role ?? '' },
    });
    navigate(next.startsWith('/') && !next.startsWith('//') ? next : '/');
  };
  return (
    <form className="panel" onSubmit={(event) => void submit(event)}>
      <h1>Create an account</h1>
      <label>
        Name
        <input
          required
          autoComplete="name"
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      <label>
        Email
        <input
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
      </label>
      <label>
        Password (8 characters or more)
        <input
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </label>
      <button type="submit" disabled={loading}>
        Create account
      </button>
      {error && <p role="alert">{errorMessage(error)}</p>}
      <p>
        Already have one? <Link to={`/login?next=${encodeURIComponent(next)}`}>Sign in</Link>
      </p>
    </form>
  );
}
