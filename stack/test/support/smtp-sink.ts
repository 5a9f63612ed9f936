import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A message as the SMTP server took it: the envelope's recipients and the raw text. */
export interface ReceivedMail {
  to: string[];
  raw: string;
  /** The Message-ID header. */
  messageId: string | undefined;
  subject: string | undefined;
}

/**
 * What the server answers the DATA of a message to a recipient: 250
 * (accept), a temporary 451 (defer), or nothing at all (hold: the message
 * is received, the answer never comes, as when the sender dies first).
 */
export type SmtpAnswer = 'accept' | 'defer' | 'hold';

export interface SmtpSink {
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  url: string;
  /** Every message whose data arrived, whatever the answer. */
  received: ReceivedMail[];
  /** The next answers for messages to this address, in order; then accept. */
  answerNext(address: string, answers: SmtpAnswer[], onHold?: () => void): void;
  close(): Promise<void>;
}

const header = (raw: string, name: string) =>
  new RegExp(`^${name}: (.*)$`, 'mi').exec(raw.split(/\r?\n\r?\n/, 1)[0] ?? '')?.[1]?.trim();

/**
 * A real SMTP server (the smtp-server package, nodemailer's sibling) on a
 * free port of this machine, plain text without authentication, recording
 * every message and answering as the test tells it.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const plans = new Map<string, { answers: SmtpAnswer[]; onHold?: () => void }>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const to = session.envelope.rcptTo.map((rcpt) => rcpt.address);
        received.push({
          to,
          raw,
          messageId: header(raw, 'Message-ID'),
          subject: header(raw, 'Subject'),
        });
        const plan = to.map((address) => plans.get(address)).find(Boolean);
        const answer = plan?.answers.shift() ?? 'accept';
        if (answer === 'hold') {
          plan?.onHold?.();
          return;
        }
        if (answer === 'defer') {
          callback(
            Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }),
          );
          return;
        }
        callback(null, 'Queued');
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    answerNext(address, answers, onHold) {
      plans.set(address, { answers: [...answers], onHold });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
