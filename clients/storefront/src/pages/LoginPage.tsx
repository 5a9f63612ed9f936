import { useMutation } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import { LoginDocument } from '../../../generated/operations';
import { errorMessage } from '../format';
import { Link, navigate } from '../navigation';
import { useSession } from '../session';

export function LoginPage({ next }: { next: string }) {
  const { signIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [login, { loading, error }] = useMutation(LoginDocument);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { data } = await login({ variables: { email, password } }).catch(() => ({ data: null }));
    if (!data) return;
    const { accessToken, user } = data.login;
    signIn({
      accessToken,
      user: { id: user.id, email: user.email ?? email, name: user.name, role: user.role ?? '' },
    });
    // Only a path of this site: an open redirect would send a signed-in shopper anywhere.
    navigate(next.startsWith('/') && !next.startsWith('//') ? next : '/');
  };
  return (
    <form className="panel" onSubmit={(event) => void submit(event)}>
      <h1>Sign in</h1>
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
        Password
        <input
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </label>
      <button type="submit" disabled={loading}>
        Sign in
      </button>
      {error && <p role="alert">{errorMessage(error)}</p>}
      <p>
        New here? <Link to={`/signup?next=${encodeURIComponent(next)}`}>Create an account</Link>
      </p>
    </form>
  );
}
