import { z } from 'zod';
import { loadSubgraphSettings, MAX_MONEY_AMOUNT, type SubgraphSettings } from '@shop/federation';

/** When charges are refused without asking the processor. */
export interface FraudSettings {
  /** More declined attempts than this by one user within the window block the user. */
  maxDeclines: number;
  windowMinutes: number;
  blockMinutes: number;
  /** Captures above this amount (minor units) wait for an ADMIN's review. */
  reviewThreshold: number;
  /**
   * How many of one user's payments may await review at once; another above
   * the threshold is declined (review_limit) before the card is asked, so its
   * order holds no stock.
   */
  reviewMaxPerCustomer: number;
}

export interface PaymentsConfig extends SubgraphSettings {
  fraud: FraudSettings;
}

export const DEFAULT_FRAUD_SETTINGS: FraudSettings = {
  maxDeclines: 5,
  windowMinutes: 10,
  blockMinutes: 30,
  reviewThreshold: 500_000,
  reviewMaxPerCustomer: 3,
};

/**
 * The payments subgraph's settings: PAYMENTS_PORT, DATABASE_URL_PAYMENTS and
 * the shared ones, plus the fraud rules: FRAUD_MAX_DECLINES,
 * FRAUD_WINDOW_MINUTES, FRAUD_BLOCK_MINUTES, PAYMENT_REVIEW_THRESHOLD and
 * PAYMENT_REVIEW_MAX_PER_CUSTOMER.
 */
export function loadPaymentsConfig(env?: Record<string, string | undefined>): PaymentsConfig {
  const minutes = z.coerce.number().int().min(1).max(10_080);
  const { own, ...settings } = loadSubgraphSettings('payments', env, {
    FRAUD_MAX_DECLINES: z.coerce.number().int().min(1).max(1_000).default(5),
    FRAUD_WINDOW_MINUTES: minutes.default(DEFAULT_FRAUD_SETTINGS.windowMinutes),
    FRAUD_BLOCK_MINUTES: minutes.default(DEFAULT_FRAUD_SETTINGS.blockMinutes),
    PAYMENT_REVIEW_THRESHOLD: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_MONEY_AMOUNT)
      .default(DEFAULT_FRAUD_SETTINGS.reviewThreshold),
    PAYMENT_REVIEW_MAX_PER_CUSTOMER: z.coerce
      .number()
      .int()
      .min(1)
      .max(1_000)
      .default(DEFAULT_FRAUD_SETTINGS.reviewMaxPerCustomer),
  });
  return {
    ...settings,
    fraud: {
      maxDeclines: own.FRAUD_MAX_DECLINES,
      windowMinutes: own.FRAUD_WINDOW_MINUTES,
      blockMinutes: own.FRAUD_BLOCK_MINUTES,
      reviewThreshold: own.PAYMENT_REVIEW_THRESHOLD,
      reviewMaxPerCustomer: own.PAYMENT_REVIEW_MAX_PER_CUSTOMER,
    },
  };
}
