import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Channel } from '../db';

registerEnumType(Channel, {
  name: 'NotificationChannel',
  description: 'Where notifications reach a user.',
  valuesConfig: {
    EMAIL: { description: 'E-mail to the address of the account.' },
    IN_APP: { description: 'The feed (User.notifications) and notificationReceived.' },
    SMS: { description: 'Text messages (not yet connected to a provider).' },
    PUSH: { description: 'Push notifications (not yet connected to a provider).' },
  },
});

export { Channel };

@ObjectType({
  description:
    'A user’s choice for one channel. Order confirmations and declined payments are sent whatever the choice; every other notification respects it.',
})
export class NotificationPreference {
  @Field(() => Channel)
  channel!: Channel;

  @Field()
  enabled!: boolean;
}

@InputType()
export class NotificationPreferenceInput {
  @Field(() => Channel)
  channel!: Channel;

  @Field()
  enabled!: boolean;
}
