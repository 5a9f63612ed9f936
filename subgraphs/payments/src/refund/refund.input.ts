import { Directive, Field, ID, InputType, Int } from 'type-graphql';

@Directive('@inaccessible')
@InputType({ description: 'Money to return from a captured payment, in full or in part.' })
export class RefundInput {
  @Field(() => ID)
  paymentId!: string;

  @Field(() => Int, { description: 'Minor units; at most what is captured and not yet refunded.' })
  amount!: number;

  @Field({ description: 'Refunding again with the same key answers the first refund.' })
  idempotencyKey!: string;

  @Field(() => String, { nullable: true, description: 'Up to 500 characters.' })
  reason?: string | null;
}
