import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Money } from '@shop/federation';
import { ProductStub } from '../product/product.stub';

@ObjectType({ description: 'One line of an order, priced as it was at checkout.' })
export class OrderItem {
  @Field(() => ID)
  id!: string;

  @Directive('@provides(fields: "name")')
  @Field(() => ProductStub)
  product!: ProductStub;

  @Field({ description: 'The product’s name at checkout; later renames do not change it.' })
  productName!: string;

  @Field(() => Int)
  quantity!: number;

  @Field(() => Money)
  unitPrice!: Money;

  orderId!: string;
}
