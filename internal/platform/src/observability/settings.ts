import { z } from 'zod';
import { booleanFlag, optionalUrl } from '../config';

/**
 * The observability variables every process (the router and each subgraph)
 * reads with its own settings; `observabilitySettingsOf` makes them its
 * settings. The OTEL_ ones are OpenTelemetry's standard names.
 */
export const observabilityVariables = {
  /**
   * Serve Prometheus metrics at /metrics: on the service's port in
   * development, only on METRICS_PORT's listener in production.
   * @default true
   */
  METRICS_ENABLED: booleanFlag(true),
  /**
   * A listener of its own for /metrics (0 picks a free port); production
   * serves no metrics without it.
   * @default unset: /metrics on the service's port outside production
   */
  METRICS_PORT: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce.number().int().min(0).max(65535).optional(),
  ),
  /**
   * The address METRICS_PORT listens on; in a pod 0.0.0.0 (or the pod's IP)
   * lets Prometheus scrape it.
   * @default '127.0.0.1'
   */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * Where spans are exported over OTLP/HTTP, as a base URL (`/v1/traces` is appended).
   * @default unset: no span is recorded
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  /**
   * The full URL spans are exported to; wins over OTEL_EXPORTER_OTLP_ENDPOINT.
   * @default unset
   */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
};

/** Where a listener of its own serves /metrics, apart from the service's port. */
export interface MetricsListenerAddress {
  host: string;
  port: number;
}

export interface ObservabilitySettings {
  metricsEnabled: boolean;
  /** A listener of its own for /metrics; without it, /metrics is a route of the service's port. */
  metricsListener?: MetricsListenerAddress;
  /** Where spans are sent; without it no span is recorded. */
  otlpTracesEndpoint?: string;
}

/**
 * The settings from the parsed variables of `observabilityVariables` (and
 * NODE_ENV). /metrics names every operation and times it, so production
 * never serves it on the service's public port, where anyone may ask: only
 * on METRICS_PORT, which the Service in front of the pods does not expose.
 * A separate listener rather than a bearer token, because Prometheus's
 * usual pod discovery scrapes a port named by annotation and carries no
 * token per target. Without METRICS_PORT, production serves no metrics;
 * development keeps them on the service's port, where `npm start` reads them.
 */
export function observabilitySettingsOf(config: {
  NODE_ENV: string;
  METRICS_ENABLED: boolean;
  METRICS_PORT?: number;
  METRICS_HOST: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
}): ObservabilitySettings {
  const base = config.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const metricsListener =
    config.METRICS_PORT === undefined
      ? undefined
      : { host: config.METRICS_HOST, port: config.METRICS_PORT };
  const production = config.NODE_ENV === 'production';
  return {
    metricsEnabled: config.METRICS_ENABLED && (metricsListener !== undefined || !production),
    metricsListener,
    otlpTracesEndpoint:
      config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base}/v1/traces` : undefined),
  };
}
