import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Money } from '@shop/federation';
import { PaymentStub } from '../payment/payment.stub';
import { UserStub } from '../user/user.stub';
import { OrderStatus } from './order-status';
import { ShippingAddress } from './shipping-address.type';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A purchase placed at checkout.' })
export class Order {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, {
    description:
      'What people call the order, shown as "#1001": unique, from 1001 up in the order orders are placed (a checkout that fails before its order is stored leaves a gap).',
  })
  number!: number;

  @Field(() => OrderStatus)
  status!: OrderStatus;

  @Field()
  createdAt!: Date;

  @Field(() => Money, { description: 'The sum of quantity × unitPrice over the items.' })
  total!: Money;

  @Field(() => ShippingAddress)
  shippingAddress!: ShippingAddress;

  @Field(() => UserStub)
  buyer!: UserStub;

  /**
   * Payments' field, which the checkout provides (CheckoutResolver): the
   * router asks orders for it nowhere else. Set when the saga has just had it
   * from payments (null: payments answered none); unset, it is asked for.
   */
  @Directive('@external')
  @Field(() => PaymentStub, { nullable: true })
  payment?: PaymentStub | null;

  /** The buyer's id: who, besides ADMINs, may see the order. */
  userId!: string;
}
