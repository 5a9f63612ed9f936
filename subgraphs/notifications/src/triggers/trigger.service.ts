import { randomUUID } from 'node:crypto';
import type { Prisma } from '../db';
import type { PreferenceService } from '../preference/preference.service';
import { renderMessage, TRANSACTIONAL_KINDS, type MessageFacts } from '../templates/templates';

/** The event a notification comes from: its id makes the notification once per user. */
export interface Cause {
  id: string;
  occurredAt: string;
}

export interface TriggerSettings {
  storeName: string;
  /** The right-hand side of every Message-ID: the domain of the From address. */
  messageIdDomain: string;
}

/**
 * Turns an event into notifications, inside the consumer's transaction: one
 * per recipient, rendered once, with a delivery per channel the recipient
 * gets it on. Transactional kinds go to e-mail and the feed whatever the
 * user chose; the others only to the channels the user has on, and nowhere
 * (no notification at all) when that is none.
 */
export class TriggerService {
  constructor(
    private readonly preferences: PreferenceService,
    private readonly settings: TriggerSettings,
  ) {}

  async notify(
    tx: Prisma.TransactionClient,
    cause: Cause,
    userIds: readonly string[],
    facts: MessageFacts,
  ): Promise<void> {
    const message = renderMessage(facts, this.settings.storeName);
    const transactional = TRANSACTIONAL_KINDS.has(facts.kind);
    for (const userId of userIds) {
      const channels = (await this.preferences.of(userId, tx))
        .filter(
          ({ channel, enabled }) =>
            enabled || (transactional && (channel === 'EMAIL' || channel === 'IN_APP')),
        )
        .map(({ channel }) => channel);
      if (channels.length === 0) continue;
      await tx.notification.create({
        select: { id: true },
        data: {
          userId,
          kind: facts.kind,
          eventId: cause.id,
          template: message.template,
          subjectId: message.subjectId,
          title: message.title,
          body: message.body,
          inFeed: channels.includes('IN_APP'),
          occurredAt: new Date(cause.occurredAt),
          deliveries: {
            create: channels.map((channel) => {
              const id = randomUUID();
              return {
                id,
                channel,
                subject: `${this.settings.storeName}: ${message.title}`,
                text: message.text,
                html: message.html,
                messageId: `<${id}@${this.settings.messageIdDomain}>`,
              };
            }),
          },
        },
      });
    }
  }
}
