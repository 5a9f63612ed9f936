import { Field, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '@shop/federation';
import { Notification } from './notification.type';

@ObjectType()
export class NotificationConnection extends ConnectionType(Notification, 'Notification') {
  @Field(() => Int, { description: 'The user’s unread notifications, across every page.' })
  unreadCount!: number;
}
