import { registerEnumType } from 'type-graphql';

// A const object rather than a TS enum: its values are the same string literals as the Prisma
// enum's, so rows map to GraphQL without casts, and a status added to one but not the other
// fails to compile in the mapper.
export const OrderStatus = {
  PENDING: 'PENDING',
  PAID: 'PAID',
  SHIPPED: 'SHIPPED',
  DELIVERED: 'DELIVERED',
  CANCELLED: 'CANCELLED',
} as const;

export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

registerEnumType(OrderStatus, {
  name: 'OrderStatus',
  description:
    'PENDING until payment is captured; PAID -> SHIPPED -> DELIVERED by an admin; CANCELLED by the buyer before SHIPPED or when checkout fails.',
});
