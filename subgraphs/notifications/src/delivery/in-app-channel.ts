import { liveTopics, type LivePubSub } from '@shop/events';
import type { DeliveryChannel, OutgoingMessage } from './channel';

/**
 * The feed: the notification is in it from the moment its event was handled;
 * delivering it announces it live to the user's notificationReceived.
 */
export class InAppChannel implements DeliveryChannel {
  constructor(private readonly pubSub: LivePubSub) {}

  async send(message: OutgoingMessage): Promise<void> {
    await this.pubSub.publish(liveTopics.notificationReceived(message.userId), {
      notificationId: message.notificationId,
      userId: message.userId,
    });
  }
}
