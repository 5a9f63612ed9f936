import { booleanFlag, optionalUrl } from '../config';

/**
 * The observability variables every process reads with its own settings:
 * METRICS_ENABLED (default true) serves /metrics; traces are exported over
 * OTLP/HTTP when the standard OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (a full URL)
 * or OTEL_EXPORTER_OTLP_ENDPOINT (a base URL, /v1/traces appended) is set.
 */
export const observabilityVariables = {
  METRICS_ENABLED: booleanFlag(true),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
};

export interface ObservabilitySettings {
  metricsEnabled: boolean;
  /** Where spans are sent; without it no span is recorded. */
  otlpTracesEndpoint?: string;
}

/** The settings from the parsed variables of `observabilityVariables`. */
export function observabilitySettingsOf(config: {
  METRICS_ENABLED: boolean;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
}): ObservabilitySettings {
  const base = config.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  return {
    metricsEnabled: config.METRICS_ENABLED,
    otlpTracesEndpoint:
      config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base}/v1/traces` : undefined),
  };
}
