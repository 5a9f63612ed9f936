import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * A reference to a product of the products subgraph; the router fills in the
 * rest. Its name is products', which orders copies from products.events
 * (ProductPrice): an order's lines provide it (OrderItem.product), so an
 * order's answer needs no call to products for its products' names.
 */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Product')
export class ProductStub {
  @Field(() => ID)
  id!: string;

  /** Set only where a field provides it: the router asks orders for it nowhere else. */
  @Directive('@external')
  @Field()
  name?: string;
}
