import {
  loadConfig,
  observabilitySettingsOf,
  observabilityVariables,
  runsInProduction,
} from '@shop/platform';
import { authSettingsOf, authVariables } from './auth/auth.settings';
import { cachingSettingsOf, cachingVariables } from './caching/caching.settings';
import { clusterSettingsOf, clusterVariables } from './cluster/cluster.settings';
import {
  perSubgraphVariables,
  subgraphCallSettingsOf,
  subgraphCallVariables,
} from './datasources/subgraph-calls.settings';
import { limitSettingsOf, limitVariables } from './limits/limits.settings';
import {
  loginThrottleSettingsOf,
  loginThrottleVariables,
} from './rate-limit/login-throttle.settings';
import { rateLimitSettingsOf, rateLimitVariables } from './rate-limit/rate-limit.settings';
import { serverSettingsOf, serverVariables } from './server.settings';
import { sharedServiceVariables } from './shared-services.settings';
import { storefrontSettingsOf, storefrontVariables } from './static/storefront.settings';
import {
  subscriptionSettingsOf,
  subscriptionVariables,
} from './subscriptions/subscriptions.settings';
import { supergraphSettingsOf, supergraphVariables } from './supergraph/supergraph.settings';

/**
 * The router's settings, the one place it reads its environment: every
 * feature declares its variables, each documented with its default, in its
 * own `<feature>.settings.ts` beside its code; they are parsed here together,
 * so one start names every bad variable, and come back grouped by feature
 * (`config.<feature>.<option>`).
 */
export function loadRouterConfig(env: Record<string, string | undefined> = process.env) {
  const variables = loadConfig(
    {
      ...serverVariables,
      ...clusterVariables,
      ...sharedServiceVariables,
      ...supergraphVariables,
      ...subgraphCallVariables,
      ...perSubgraphVariables(env),
      ...limitVariables,
      ...rateLimitVariables,
      ...loginThrottleVariables,
      ...subscriptionVariables,
      ...cachingVariables,
      ...storefrontVariables,
      ...observabilityVariables,
      // Which secrets are required depends on NODE_ENV, read before the rest.
      ...authVariables(runsInProduction(env)),
    },
    env,
  );
  return {
    server: serverSettingsOf(variables),
    cluster: clusterSettingsOf(variables),
    supergraph: supergraphSettingsOf(variables),
    subgraphCalls: subgraphCallSettingsOf(variables),
    limits: limitSettingsOf(variables),
    rateLimit: rateLimitSettingsOf(variables),
    loginThrottle: loginThrottleSettingsOf(variables),
    subscriptions: subscriptionSettingsOf(variables),
    caching: cachingSettingsOf(variables),
    storefront: storefrontSettingsOf(variables),
    observability: observabilitySettingsOf(variables),
    auth: authSettingsOf(variables),
  };
}

export type RouterConfig = ReturnType<typeof loadRouterConfig>;
