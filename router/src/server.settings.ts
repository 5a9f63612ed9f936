import { z } from 'zod';
import {
  booleanFlag,
  commaList,
  logLevel,
  nodeEnv,
  optionalBooleanFlag,
  port,
  type VariablesOf,
} from '@shop/platform';

/** Apollo Studio's Explorer runs in this origin and calls a local router from the browser. */
export const APOLLO_STUDIO_ORIGIN = 'https://studio.apollographql.com';

/** The router's listener and what it shows of itself: who may call it from a browser, introspection. */
export const serverVariables = {
  /**
   * `production` requires the secrets, turns introspection, GraphiQL, the
   * landing page and stack traces off, and serves /metrics only on METRICS_PORT.
   * @default 'development'
   */
  NODE_ENV: nodeEnv,
  /**
   * fatal, error, warn, info, debug, trace or silent.
   * @default 'info'
   */
  LOG_LEVEL: logLevel,
  /**
   * The address the router listens on.
   * @default '127.0.0.1'
   */
  HOST: z.string().default('127.0.0.1'),
  /**
   * Its port (0 picks a free one).
   * @default 4000
   */
  PORT: port(4000),
  /**
   * Origins browsers may call /graphql from, comma-separated; outside
   * production Apollo Studio's is added.
   * @default none
   */
  CORS_ORIGINS: commaList,
  /**
   * Schema introspection; when off, errors leave out "Did you mean …?" too.
   * @default true outside production, false in it
   */
  INTROSPECTION: optionalBooleanFlag,
  /**
   * @apollo/gateway's own usage reports to Apollo: OpenTelemetry metrics
   * sent to Apollo's endpoint, after probing the AWS, GCP and Azure metadata
   * addresses for where it runs. Apollo's variable, which the gateway reads
   * itself; here on only when set to false, as a store's router tells no
   * third party about its traffic unless its operators choose to.
   * @default true
   */
  APOLLO_TELEMETRY_DISABLED: booleanFlag(true),
};

export function serverSettingsOf(variables: VariablesOf<typeof serverVariables>) {
  const production = variables.NODE_ENV === 'production';
  return {
    production,
    logLevel: variables.LOG_LEVEL,
    host: variables.HOST,
    port: variables.PORT,
    corsOrigins: production
      ? variables.CORS_ORIGINS
      : [...variables.CORS_ORIGINS, APOLLO_STUDIO_ORIGIN],
    introspection: variables.INTROSPECTION ?? !production,
    apolloTelemetry: !variables.APOLLO_TELEMETRY_DISABLED,
  };
}

export type ServerSettings = ReturnType<typeof serverSettingsOf>;
