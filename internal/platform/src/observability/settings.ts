import { z } from 'zod';
import { booleanFlag, optionalUrl } from '../config';

/**
 * The observability variables every process reads with its own settings:
 * METRICS_ENABLED (default true) serves /metrics; METRICS_PORT gives it a
 * listener of its own on METRICS_HOST (default 127.0.0.1); traces are
 * exported over OTLP/HTTP when the standard OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
 * (a full URL) or OTEL_EXPORTER_OTLP_ENDPOINT (a base URL, /v1/traces
 * appended) is set.
 */
export const observabilityVariables = {
  METRICS_ENABLED: booleanFlag(true),
  // 0 picks a free port. In a pod, METRICS_HOST=0.0.0.0 (or the pod's IP) lets Prometheus scrape it.
  METRICS_PORT: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce.number().int().min(0).max(65535).optional(),
  ),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
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
