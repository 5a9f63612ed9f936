import type { BaseContext, ServiceRuntime } from '@shop/federation';
import type { NotificationsConfig } from './config';
import type { Database } from './db';
import type { DeliveryChannel } from './delivery/channel';
import { DeliveryDispatcher } from './delivery/delivery-dispatcher';
import { DeliveryLogService } from './delivery/delivery-log.service';
import { DeliveryMetrics } from './delivery/delivery.metrics';
import { InAppChannel } from './delivery/in-app-channel';
import { LoggingChannel } from './delivery/logging-channel';
import { MailboxChannel } from './delivery/mailbox-channel';
import { SmtpChannel } from './delivery/smtp-channel';
import { NotificationService } from './notification/notification.service';
import { PreferenceService } from './preference/preference.service';
import { ProductNameService } from './triggers/product-name.service';
import { RecipientService } from './triggers/recipient.service';
import { TriggerService } from './triggers/trigger.service';

/** The domain of the From address, for Message-IDs: `Shop <orders@shop.localhost>` → shop.localhost. */
function messageIdDomainOf(from: string): string {
  return /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? 'shop.localhost';
}

function emailChannel({ mail }: NotificationsConfig): DeliveryChannel {
  return mail.transport.kind === 'smtp'
    ? new SmtpChannel(mail.transport.url, mail.from)
    : new MailboxChannel(mail.transport.dir, mail.from);
}

/** Made once per launch and shared by every request and the background work. */
export function createServices(
  db: Database,
  config: NotificationsConfig,
  runtime: ServiceRuntime<never>,
) {
  const preferences = new PreferenceService(db);
  return {
    notifications: new NotificationService(db),
    preferences,
    recipients: new RecipientService(db),
    productNames: new ProductNameService(db),
    triggers: new TriggerService(db, {
      storeName: config.mail.storeName,
      messageIdDomain: messageIdDomainOf(config.mail.from),
    }),
    deliveryLog: new DeliveryLogService(db),
    dispatcher: new DeliveryDispatcher(
      db,
      {
        EMAIL: emailChannel(config),
        IN_APP: new InAppChannel(runtime.pubSub),
        SMS: new LoggingChannel('SMS', runtime.log),
        PUSH: new LoggingChannel('PUSH', runtime.log),
      },
      config.delivery,
      new DeliveryMetrics(runtime.metrics),
      runtime.log.child({ job: 'delivery' }),
    ),
  };
}

export type NotificationsServices = ReturnType<typeof createServices>;

export interface NotificationsContext extends BaseContext {
  services: NotificationsServices;
}

/** Per request: the verified base context and the services. */
export function contextFactory(services: NotificationsServices) {
  return (base: BaseContext): NotificationsContext => ({ ...base, services });
}
