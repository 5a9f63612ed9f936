import { useSubscription } from '@apollo/client';
import { useState } from 'react';
import {
  LowStockAlertDocument,
  type LowStockAlertSubscription,
} from '../../../generated/operations';
import { Link } from '../navigation';

type Alert = LowStockAlertSubscription['lowStockAlert'];

/** How many of the latest alerts stay on screen. */
const SHOWN = 3;

/** LowStockAlert over graphql-ws while the console is open, on every page of it. */
export function LowStockAlerts() {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const live = useSubscription(LowStockAlertDocument, {
    onData: ({ data }) => {
      const alert = data.data?.lowStockAlert;
      if (alert) setAlerts((previous) => [alert, ...previous].slice(0, SHOWN));
    },
  });
  return (
    <section className="alerts" aria-label="Low-stock alerts" aria-live="polite">
      <small className="live">
        {live.error ? 'low-stock alerts stopped' : 'listening for low-stock alerts'}
      </small>
      {alerts.map((alert, index) => (
        <p key={`${alert.productId}-${index}`} className="alert" data-testid="low-stock-alert">
          Low stock:{' '}
          <Link to={`/admin/products/${encodeURIComponent(alert.productId)}`}>
            {alert.product.name}
          </Link>{' '}
          — {alert.available} left (threshold {alert.threshold})
        </p>
      ))}
    </section>
  );
}
