import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { DeliveryChannel, OutgoingMessage } from './channel';
import { mailOf } from './email-message';

/** `<delivery id>.eml`: the mailbox's file names, and the only names it serves. */
export const MAILBOX_FILE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.eml$/;

/**
 * E-mail without an SMTP server (the embedded default): each message, built
 * by nodemailer exactly as it would be sent, is written to the mailbox
 * folder as `<delivery id>.eml`, for a person to read offline (GET /mailbox).
 * The file is written whole and renamed into place, so a reader never sees
 * half of one; a resend replaces it with the same message.
 */
export class MailboxChannel implements DeliveryChannel {
  private readonly transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  });

  private folder: Promise<unknown> | undefined;

  constructor(
    private readonly dir: string,
    private readonly from: string,
  ) {}

  async send(message: OutgoingMessage): Promise<void> {
    const { message: raw } = (await this.transport.sendMail(mailOf(message, this.from))) as {
      message: Buffer;
    };
    // Made once, not per message; a folder deleted meanwhile is made again on the retry.
    await (this.folder ??= mkdir(this.dir, { recursive: true }));
    const file = path.join(this.dir, `${message.deliveryId}.eml`);
    try {
      await writeFile(`${file}.partial`, raw);
      await rename(`${file}.partial`, file);
    } catch (error) {
      this.folder = undefined;
      throw error;
    }
  }
}
