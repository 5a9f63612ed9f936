import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { NotificationKind } from '../db';

registerEnumType(NotificationKind, {
  name: 'NotificationKind',
  description: 'What a notification is about.',
});

export { NotificationKind };

@ObjectType({ description: 'One entry of a user’s in-app feed.' })
export class Notification {
  @Field(() => ID)
  id!: string;

  @Field(() => NotificationKind)
  kind!: NotificationKind;

  @Field()
  title!: string;

  @Field()
  body!: string;

  @Field(() => ID, { description: 'The order (or, for LOW_STOCK, the product) it is about.' })
  subjectId!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the user marked it read.' })
  readAt!: Date | null;
}
