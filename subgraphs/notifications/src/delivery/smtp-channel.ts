import nodemailer from 'nodemailer';
import { DeliveryFailure, type DeliveryChannel, type OutgoingMessage } from './channel';
import { mailOf } from './email-message';

/** Connection errors nodemailer reports by code: the server may well answer next time. */
const TRANSIENT_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EPROTOCOL',
]);

interface SmtpError {
  message?: string;
  code?: string;
  responseCode?: number;
}

/** SMTP's own rule: a 4xx reply is a temporary refusal, a 5xx a permanent one. */
export function isTransientSmtpError(error: SmtpError): boolean {
  if (typeof error.responseCode === 'number') return error.responseCode < 500;
  return error.code === undefined || TRANSIENT_CODES.has(error.code);
}

/**
 * E-mail through an SMTP server (SMTP_URL), with nodemailer: a well-kept
 * implementation of SMTP, STARTTLS, authentication and MIME that this
 * subgraph should not write itself. Timeouts are short because a batch's
 * sends must end within its lease (NOTIFY_LEASE_MS); a timeout is retried.
 */
export class SmtpChannel implements DeliveryChannel {
  private readonly transport;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport({
      url,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(message: OutgoingMessage): Promise<void> {
    try {
      await this.transport.sendMail(mailOf(message, this.from));
    } catch (error) {
      if (error instanceof DeliveryFailure) throw error;
      const smtp = error as SmtpError;
      throw new DeliveryFailure(smtp.message ?? String(error), isTransientSmtpError(smtp));
    }
  }

  close(): void {
    this.transport.close();
  }
}
