import { useState, type FormEvent } from 'react';
import { AccountPage } from './account/AccountPage';
import { AdminApp } from './admin/AdminApp';
import { Link, navigate, useLocation } from './navigation';
import { NotificationsLink } from './notifications/NotificationsLink';
import { NotificationsPage } from './notifications/NotificationsPage';
import { CartPage } from './pages/CartPage';
import { CatalogPage } from './pages/CatalogPage';
import { CheckoutPage } from './pages/CheckoutPage';
import { LoginPage } from './pages/LoginPage';
import { OrderPage } from './pages/OrderPage';
import { ProductPage } from './pages/ProductPage';
import { SearchPage } from './pages/SearchPage';
import { SignUpPage } from './pages/SignUpPage';
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
    case '/signup':
      return <SignUpPage next={location.searchParams.get('next') ?? '/'} />;
    case '/account':
      return <AccountPage />;
    case '/cart':
      return <CartPage />;
    case '/checkout':
      return <CheckoutPage />;
    case '/notifications':
      return <NotificationsPage />;
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

function Storefront({ location }: { location: URL }) {
  const { session, signOut } = useSession();
  const here = encodeURIComponent(location.pathname + location.search);
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
              <NotificationsLink />
              <Link to="/account" className="signed-in">
                {session.user.name}
              </Link>
              <button type="button" onClick={signOut}>
                Sign out
              </button>
            </>
          ) : (
            <>
              <Link to={`/login?next=${here}`}>Sign in</Link>
              <Link to={`/signup?next=${here}`}>Sign up</Link>
            </>
          )}
        </nav>
      </header>
      <main>
        <Page location={location} />
      </main>
    </>
  );
}

/** /admin and below is the merchant's console; everything else the storefront. */
export function App() {
  const location = useLocation();
  const isAdmin = location.pathname === '/admin' || location.pathname.startsWith('/admin/');
  return isAdmin ? <AdminApp location={location} /> : <Storefront location={location} />;
}
