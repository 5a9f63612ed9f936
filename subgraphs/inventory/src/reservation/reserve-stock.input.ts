import { Directive, Field, ID, InputType, Int } from 'type-graphql';

@Directive('@inaccessible')
@InputType({ description: 'Units of one product to hold.' })
export class ReserveStockLineInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int, { description: '1..1000000' })
  quantity!: number;
}

@Directive('@inaccessible')
@InputType({ description: 'Every line of an order, held all together or not at all.' })
export class ReserveStockInput {
  @Field(() => ID)
  orderId!: string;

  @Field({ description: 'Reserving again with the same key answers the first reservation.' })
  idempotencyKey!: string;

  @Field(() => [ReserveStockLineInput])
  lines!: ReserveStockLineInput[];

  @Field(() => Int, {
    description: 'How long the hold lasts unless committed or released: 1..86400.',
  })
  ttlSeconds!: number;
}
