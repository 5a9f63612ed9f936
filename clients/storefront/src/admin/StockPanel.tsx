import { useMutation, useQuery } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import {
  AdminProductDocument,
  RestockDocument,
  WarehousesDocument,
} from '../../../generated/operations';
import { errorMessage } from '../format';

interface Stock {
  onHand: number;
  reserved: number;
  available: number;
}

interface Inventory {
  available: number;
  lowStockThreshold: number;
  warehouses:
    | {
        warehouse: { id: string; name: string };
        onHand: number;
        reserved: number;
        available: number;
      }[]
    | null;
}

const NO_STOCK: Stock = { onHand: 0, reserved: 0, available: 0 };

function RestockForm({
  productId,
  warehouse,
}: {
  productId: string;
  warehouse: { id: string; name: string };
}) {
  const [quantity, setQuantity] = useState('10');
  const [restock, restocked] = useMutation(RestockDocument, {
    refetchQueries: [{ query: AdminProductDocument, variables: { id: productId } }],
    awaitRefetchQueries: true,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    restock({
      variables: { input: { productId, warehouseId: warehouse.id, quantity: Number(quantity) } },
    }).catch(() => undefined);
  };
  return (
    <form onSubmit={submit} className="restock">
      <input
        type="number"
        min={1}
        required
        aria-label={`Quantity to add at ${warehouse.name}`}
        value={quantity}
        onChange={(event) => setQuantity(event.target.value)}
      />
      <button type="submit" disabled={restocked.loading}>
        Restock
      </button>
      {restocked.error && <span role="alert">{errorMessage(restocked.error)}</span>}
    </form>
  );
}

/** Stock per warehouse, every warehouse listed so one without stock can be restocked too. */
export function StockPanel({
  productId,
  inventory,
}: {
  productId: string;
  inventory: Inventory | null;
}) {
  const warehouses = useQuery(WarehousesDocument);
  if (warehouses.error) return <p role="alert">{errorMessage(warehouses.error)}</p>;
  const stockAt = (warehouseId: string): Stock =>
    inventory?.warehouses?.find((stock) => stock.warehouse.id === warehouseId) ?? NO_STOCK;
  return (
    <section className="panel">
      <h2>Stock</h2>
      <p>
        Available everywhere: <strong data-testid="available">{inventory?.available ?? '—'}</strong>{' '}
        (low-stock threshold {inventory?.lowStockThreshold ?? '—'})
      </p>
      <div className="table-scroll">
        <table className="admin-table">
          <thead>
            <tr>
              <th>Warehouse</th>
              <th>On hand</th>
              <th>Reserved</th>
              <th>Available</th>
              <th>Restock</th>
            </tr>
          </thead>
          <tbody>
            {(warehouses.data?.warehouses ?? []).map((warehouse) => {
              const stock = stockAt(warehouse.id);
              return (
                <tr key={warehouse.id}>
                  <td>{warehouse.name}</td>
                  <td>{stock.onHand}</td>
                  <td>{stock.reserved}</td>
                  <td>{stock.available}</td>
                  <td>
                    <RestockForm productId={productId} warehouse={warehouse} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
