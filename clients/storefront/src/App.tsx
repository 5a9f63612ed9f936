import { useState, type FormEvent } from 'react';
import { Link, navigate, useLocation } from './navigation';
import { CartPage } from './pages/CartPage';
import { CatalogPage } from './pages/CatalogPage';
import { CheckoutPage } from './pages/CheckoutPage';
import { LoginPage } from './pages/LoginPage';
import { OrderPage } from './pages/OrderPage';
import { ProductPage } from './pages/ProductPage';
import { SearchPage } from './pages/SearchPage';
import { useSession } from './session';

function Page({ location }: { location: URL }) {
  const path = location.pathname;
  const product = /^\/products\/([^/]+)$/.exec(path);
  if (product) return <ProductPage id={decodeURIComponent(product[1]!)} />;
  const order = /^\/orders\/([^/]+)$/.exec(path);
  if (order) return <OrderPage id={decodeURIComponent(order[1]!)} />;
  switch (path) {
    case '/':
      return <CatalogPage />;
    case '/search':
      return <SearchPage params={location.searchParams} />;
    case '/login':
      return <LoginPage next={location.searchParams.get('next') ?? '/'} />;
    case '/cart':
      return <CartPage />;
    case '/checkout':
      return <CheckoutPage />;
    default:
      return (
        <p>
          Nothing here. <Link to="/">Back to the shop</Link>
        </p>
      );
  }
}

function SearchBox({ initial }: { initial: string }) {
  const [text, setText] = useState(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim()) navigate(`/search?${new URLSearchParams({ q: text.trim() })}`);
  };
  return (
    <form role="search" onSubmit={submit} className="search-box">
      <input
        aria-label="Search products"
        placeholder="Search products"
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      <button type="submit">Search</button>
    </form>
  );
}

export function App() {
  const location = useLocation();
  const { session, signOut } = useSession();
  return (
    <>
      <header className="top-bar">
        <Link to="/" className="brand">
          Shop
        </Link>
        <SearchBox initial={location.searchParams.get('q') ?? ''} />
        <nav>
          <Link to="/cart">Cart</Link>
          {session ? (
            <>
              <span className="signed-in">{session.user.name}</span>
              <button type="button" onClick={signOut}>
                Sign out
              </button>
            </>
          ) : (
            <Link to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`}>
              Sign in
            </Link>
          )}
        </nav>
      </header>
      <main>
        <Page location={location} />
      </main>
    </>
  );
}
