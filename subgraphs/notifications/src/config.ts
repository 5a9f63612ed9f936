import path from 'node:path';
import { z } from 'zod';
import { loadSubgraphSettings, type SubgraphSettings } from '@shop/federation';
import { ConfigError } from '@shop/platform';

export interface MailSettings {
  /** Where e-mail goes: an SMTP server, or the local mailbox (a folder of .eml files). */
  transport: { kind: 'smtp'; url: string } | { kind: 'mailbox'; dir: string };
  /** The From header of every e-mail. */
  from: string;
  /** The store's name, as messages sign with it. */
  storeName: string;
}

export interface DeliverySettings {
  /** The wait before the first retry of a transient failure; it doubles with each retry. */
  retryBaseMs: number;
  /** Tries of one delivery before it is FAILED. */
  maxAttempts: number;
  /** How often due deliveries are looked for besides being woken by new ones. */
  pollMs: number;
  /**
   * How long a claimed batch is its dispatcher's alone: longer than its sends
   * may take (the SMTP channel's timeouts), and how long deliveries claimed by
   * a process that died wait before another sends them again.
   */
  leaseMs: number;
}

export interface NotificationsConfig extends SubgraphSettings {
  mail: MailSettings;
  delivery: DeliverySettings;
}

/** The repository's .data/mailbox: where a developer's stack keeps what it would have sent. */
const DEFAULT_MAILBOX_DIR = path.resolve(__dirname, '../../../.data/mailbox');

const smtpUrl = z
  .string()
  .url()
  .refine((url) => /^smtps?:$/.test(new URL(url).protocol), 'must be an smtp:// or smtps:// URL');

/**
 * The notifications subgraph's settings: NOTIFICATIONS_PORT,
 * DATABASE_URL_NOTIFICATIONS and the shared ones, plus SMTP_URL (without
 * it, MAILBOX_DIR: e-mail is written there; production needs one of the
 * two), MAIL_FROM, STORE_NAME and the delivery's NOTIFY_RETRY_BASE_MS,
 * NOTIFY_MAX_ATTEMPTS, NOTIFY_POLL_MS and NOTIFY_LEASE_MS.
 */
export function loadNotificationsConfig(
  env?: Record<string, string | undefined>,
): NotificationsConfig {
  const { own, ...settings } = loadSubgraphSettings('notifications', env, {
    SMTP_URL: smtpUrl.optional(),
    MAILBOX_DIR: z.string().min(1).optional(),
    STORE_NAME: z.string().min(1).max(100).default('Shop'),
    MAIL_FROM: z.string().min(3).default('Shop <orders@shop.localhost>'),
    NOTIFY_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(1_000),
    NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
    NOTIFY_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
    NOTIFY_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(90_000),
  });
  if (settings.production && !own.SMTP_URL && !own.MAILBOX_DIR) {
    throw new ConfigError([
      'SMTP_URL: required in production (or MAILBOX_DIR, to keep e-mail on disk)',
    ]);
  }
  return {
    ...settings,
    mail: {
      transport: own.SMTP_URL
        ? { kind: 'smtp', url: own.SMTP_URL }
        : { kind: 'mailbox', dir: path.resolve(own.MAILBOX_DIR ?? DEFAULT_MAILBOX_DIR) },
      from: own.MAIL_FROM,
      storeName: own.STORE_NAME,
    },
    delivery: {
      retryBaseMs: own.NOTIFY_RETRY_BASE_MS,
      maxAttempts: own.NOTIFY_MAX_ATTEMPTS,
      pollMs: own.NOTIFY_POLL_MS,
      leaseMs: own.NOTIFY_LEASE_MS,
    },
  };
}
