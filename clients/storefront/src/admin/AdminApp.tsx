import { LoginPage } from '../pages/LoginPage';
import { Link } from '../navigation';
import { useSession } from '../session';
import { CatalogList } from './CatalogList';
import { DeliveryLogPage } from './DeliveryLogPage';
import { LowStockAlerts } from './LowStockAlerts';
import { LowStockPage } from './LowStockPage';
import { OrdersList } from './OrdersList';
import { PaymentReviewQueue } from './PaymentReviewQueue';
import { ProductEditor } from './ProductEditor';

function AdminPage({ path }: { path: string }) {
  const product = /^\/admin\/products\/([^/]+)$/.exec(path);
  if (product) return <ProductEditor id={decodeURIComponent(product[1]!)} />;
  switch (path) {
    case '/admin':
    case '/admin/products':
      return <CatalogList />;
    case '/admin/orders':
      return <OrdersList />;
    case '/admin/payments':
      return <PaymentReviewQueue />;
    case '/admin/stock':
      return <LowStockPage />;
    case '/admin/deliveries':
      return <DeliveryLogPage />;
    default:
      return (
        <p>
          Nothing here. <Link to="/admin">Back to the catalog</Link>
        </p>
      );
  }
}

/** The merchant's console at /admin: ADMIN accounts only. */
export function AdminApp({ location }: { location: URL }) {
  const { session, signOut } = useSession();
  const signedInAdmin = session?.user.role === 'ADMIN';
  return (
    <>
      <header className="top-bar admin">
        <Link to="/admin" className="brand">
          Shop admin
        </Link>
        {signedInAdmin && (
          <nav aria-label="Admin">
            <Link to="/admin">Catalog</Link>
            <Link to="/admin/orders">Orders</Link>
            <Link to="/admin/payments">Payment review</Link>
            <Link to="/admin/stock">Low stock</Link>
            <Link to="/admin/deliveries">Deliveries</Link>
          </nav>
        )}
        <nav>
          <Link to="/">Storefront</Link>
          {session && (
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          )}
        </nav>
      </header>
      <main>
        {!session && <LoginPage next={location.pathname} />}
        {session && !signedInAdmin && (
          <p role="alert" className="panel">
            <strong>FORBIDDEN</strong>: {session.user.email} is a customer account. The admin
            console is for ADMIN accounts; sign out and sign in as one.
          </p>
        )}
        {signedInAdmin && (
          <>
            <LowStockAlerts />
            <AdminPage path={location.pathname} />
          </>
        )}
      </main>
    </>
  );
}
