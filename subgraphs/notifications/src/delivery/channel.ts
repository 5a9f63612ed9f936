/** One delivery as a channel sends it. */
export interface OutgoingMessage {
  deliveryId: string;
  notificationId: string;
  userId: string;
  /** The e-mail address, for the e-mail channel; undefined when none is known (yet). */
  email: string | undefined;
  messageId: string;
  subject: string;
  text: string;
  html: string;
}

/** A channel: sends, or throws a DeliveryFailure saying whether trying again may help. */
export interface DeliveryChannel {
  send(message: OutgoingMessage): Promise<void>;
  /** Closes what it holds open (an SMTP connection pool). */
  close?(): void;
}

export class DeliveryFailure extends Error {
  constructor(
    message: string,
    /** A later try may succeed (SMTP 4xx, a lost connection); otherwise the delivery FAILED. */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'DeliveryFailure';
  }
}
