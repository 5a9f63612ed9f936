import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

/** Who is signed in: the access token the router checks and the user it names. */
export interface Session {
  accessToken: string;
  user: { id: string; email: string; name: string; role: string };
}

const STORAGE_KEY = 'shop.session';

/** The stored session, read on every request so a sign-in takes effect at once. */
export function storedSession(): Session | null {
  const raw = localStorage.getItem(STORAGE_KEY);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Session;
  } catch {
    localStorage.removeItem(STORAGE_KEY);
    return null;
  }
}

interface SessionState {
  session: Session | null;
  signIn(session: Session): void;
  signOut(): void;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider(props: { children: ReactNode; onChange(): void }) {
  const { onChange } = props;
  const [session, setSession] = useState(storedSession);
  const update = useCallback(
    (next: Session | null) => {
      if (next) localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
      else localStorage.removeItem(STORAGE_KEY);
      setSession(next);
      onChange();
    },
    [onChange],
  );
  const state = useMemo(
    () => ({ session, signIn: update, signOut: () => update(null) }),
    [session, update],
  );
  return <SessionContext.Provider value={state}>{props.children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}
