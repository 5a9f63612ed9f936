import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AttemptOutcome, DeliveryStatus } from '../db';
import { NotificationKind } from '../notification/notification.type';
import { Channel } from '../preference/preference.type';

registerEnumType(DeliveryStatus, {
  name: 'DeliveryStatus',
  description: 'PENDING until sent, or until given up (FAILED).',
});
registerEnumType(AttemptOutcome, {
  name: 'DeliveryAttemptOutcome',
  description: 'SENT; RETRY after a transient failure; FAILED for good.',
});

export { DeliveryStatus };

@ObjectType({ description: 'One try of a delivery.' })
export class DeliveryAttempt {
  @Field(() => Int)
  attempt!: number;

  @Field(() => AttemptOutcome)
  outcome!: AttemptOutcome;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field()
  at!: Date;
}

@ObjectType({ description: 'A notification’s sending on one channel, with its log. ADMINs only.' })
export class NotificationDelivery {
  @Field(() => ID)
  id!: string;

  @Field(() => NotificationKind)
  kind!: NotificationKind;

  @Field(() => ID)
  userId!: string;

  @Field(() => Channel)
  channel!: Channel;

  @Field(() => DeliveryStatus)
  status!: DeliveryStatus;

  @Field()
  subject!: string;

  @Field({ description: 'The RFC 5322 Message-ID every try of it carries.' })
  messageId!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  sentAt!: Date | null;

  @Field(() => [DeliveryAttempt], { description: 'Oldest first.' })
  log!: DeliveryAttempt[];
}
