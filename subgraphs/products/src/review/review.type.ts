import { Field, ID, Int, ObjectType, UseMiddleware } from 'type-graphql';
import { InheritCacheHint } from '@shop/federation';
import { UserStub } from '../user/user.stub';

@ObjectType({ description: 'A verified buyer’s review of a product.' })
export class Review {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: '1..5' })
  rating!: number;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field()
  body!: string;

  @Field()
  createdAt!: Date;

  @Field(() => UserStub)
  @UseMiddleware(InheritCacheHint)
  author!: UserStub;

  productId!: string;
}
