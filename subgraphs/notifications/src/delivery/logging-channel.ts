import type { Logger } from '@shop/platform';
import type { DeliveryChannel, OutgoingMessage } from './channel';

/**
 * SMS and push until a provider is connected: the delivery is logged (never
 * its text, which a log need not hold) and counts as sent. A provider is
 * another DeliveryChannel in its place.
 */
export class LoggingChannel implements DeliveryChannel {
  constructor(
    private readonly channel: 'SMS' | 'PUSH',
    private readonly log: Logger,
  ) {}

  async send(message: OutgoingMessage): Promise<void> {
    this.log.info(
      { channel: this.channel, deliveryId: message.deliveryId, userId: message.userId },
      'notification delivered to the logging channel (no provider configured)',
    );
  }
}
