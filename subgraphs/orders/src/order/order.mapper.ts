import { Money } from '@shop/federation';
import type { OrderItem } from './order-item.type';
import type { OrderStatus } from './order-status';
import type { Order } from './order.type';

export interface OrderRow {
  id: string;
  number: number;
  userId: string;
  status: OrderStatus;
  totalAmount: number;
  totalCurrency: string;
  shipLine1: string;
  shipLine2: string | null;
  shipCity: string;
  shipPostalCode: string;
  shipCountry: string;
  createdAt: Date;
}

export const orderColumns = {
  id: true,
  number: true,
  userId: true,
  status: true,
  totalAmount: true,
  totalCurrency: true,
  shipLine1: true,
  shipLine2: true,
  shipCity: true,
  shipPostalCode: true,
  shipCountry: true,
  createdAt: true,
} as const;

export function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    createdAt: row.createdAt,
    total: Money.of(row.totalAmount, row.totalCurrency),
    shippingAddress: {
      line1: row.shipLine1,
      line2: row.shipLine2,
      city: row.shipCity,
      postalCode: row.shipPostalCode,
      country: row.shipCountry,
    },
    buyer: { id: row.userId },
    userId: row.userId,
  };
}

export interface OrderItemRow {
  id: string;
  orderId: string;
  productId: string;
  productName: string;
  /** The product's name now, as orders' copy of products' names has it. */
  currentName: string;
  quantity: number;
  unitPriceAmount: number;
  unitPriceCurrency: string;
}

export function toOrderItem(row: OrderItemRow): OrderItem {
  return {
    id: row.id,
    orderId: row.orderId,
    product: { id: row.productId, name: row.currentName },
    productName: row.productName,
    quantity: row.quantity,
    unitPrice: Money.of(row.unitPriceAmount, row.unitPriceCurrency),
  };
}

export const statusChangeColumns = { orderId: true, status: true, at: true } as const;
