import { loadSubgraphSettings, type SubgraphSettings } from '@shop/federation';

/** The payments subgraph's settings: PAYMENTS_PORT, DATABASE_URL_PAYMENTS and the shared ones. */
export function loadPaymentsConfig(env?: Record<string, string | undefined>): PaymentsConfig {
  return loadSubgraphSettings('payments', env);
}

export type PaymentsConfig = SubgraphSettings;
