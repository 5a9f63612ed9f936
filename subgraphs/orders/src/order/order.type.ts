import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Money } from '@shop/federation';
import { UserReference } from '../user/user.stub';
import { OrderStatus } from './order-status';
import { ShippingAddress } from './shipping-address.type';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A purchase placed at checkout.' })
export class Order {
  @Field(() => ID)
  id!: string;

  @Field(() => OrderStatus)
  status!: OrderStatus;

  @Field()
  createdAt!: Date;

  @Field(() => Money, { description: 'The sum of quantity × unitPrice over the items.' })
  total!: Money;

  @Field(() => ShippingAddress)
  shippingAddress!: ShippingAddress;

  @Field(() => UserReference)
  buyer!: UserReference;

  /** The buyer's id: who, besides ADMINs, may see the order. */
  userId!: string;
}
