import { Field, ID, InputType } from 'type-graphql';
import { OrderStatus } from './order-status';

@InputType({ description: 'All given conditions must hold.' })
export class OrderFilter {
  @Field(() => OrderStatus, { nullable: true })
  status?: OrderStatus;

  @Field(() => ID, { nullable: true, description: 'Orders of this user only.' })
  buyerId?: string;

  @Field({ nullable: true, description: 'Placed at or after this instant.' })
  placedFrom?: Date;

  @Field({ nullable: true, description: 'Placed before this instant.' })
  placedBefore?: Date;
}
