import type { SendMailOptions } from 'nodemailer';
import { DeliveryFailure, type OutgoingMessage } from './channel';

/**
 * The e-mail of a delivery as nodemailer builds it, whichever transport
 * carries it. The Message-ID is the delivery's own, fixed when it was made,
 * so a resend (after a crash between sending and recording) is recognisably
 * the same message.
 */
export function mailOf(message: OutgoingMessage, from: string): SendMailOptions {
  if (!message.email) {
    // The recipient's UserRegistered has not arrived yet: it may any moment.
    throw new DeliveryFailure('No e-mail address is known for the user yet', true);
  }
  return {
    from,
    to: message.email,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: message.messageId,
    headers: { 'X-Notification-Id': message.notificationId },
  };
}
