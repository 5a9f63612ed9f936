import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Money } from '@shop/federation';
import { ProductStub } from '../product/product.stub';

@ObjectType({ description: 'One product in the cart.' })
export class CartItem {
  @Field(() => ProductStub)
  product!: ProductStub;

  @Field(() => Int, { description: '1..999.' })
  quantity!: number;
}

@ObjectType({ description: "The caller's cart: one per user, kept until checkout." })
export class Cart {
  @Field(() => ID)
  id!: string;

  @Directive('@listSize(assumedSize: 20)')
  @Field(() => [CartItem], { description: 'In the order they were first added.' })
  items!: CartItem[];

  @Field(() => Money, {
    description:
      "The sum of quantity × current price over the items, in the first item's currency (items priced in another currency are left out); 0 USD when empty. At most 2147483647 minor units: adding beyond that is refused, and a cart whose prices rose past it shows that and is refused at checkout until a quantity is lowered.",
  })
  subtotal!: Money;
}
