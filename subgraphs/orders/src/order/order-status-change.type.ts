import { Field, ObjectType } from 'type-graphql';
import { OrderStatus } from './order-status';

@ObjectType({ description: 'One step of an order’s life.' })
export class OrderStatusChange {
  @Field(() => OrderStatus)
  status!: OrderStatus;

  @Field()
  at!: Date;

  orderId!: string;
}
