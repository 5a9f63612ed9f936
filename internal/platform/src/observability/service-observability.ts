import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Registry } from 'prom-client';
import { createMetricsRegistry, metricsHandler } from './metrics';
import { operationMetricsPlugin, operationSpanPlugin } from './operation-plugins';
import type { ObservabilitySettings } from './settings';
import {
  createTracing,
  tracedHandler,
  type RequestHandler,
  type ServiceTracing,
  type TracingOptions,
} from './tracing';

/** What the code starting a service may add to its settings (tests give an in-memory exporter). */
export type ObservabilityOptions = Pick<TracingOptions, 'spanExporter'>;

/**
 * One service's metrics and traces. Either may be off: `registry` is
 * undefined with METRICS_ENABLED=false, `tracing` without an exporter.
 */
export interface ServiceObservability {
  registry: Registry | undefined;
  tracing: ServiceTracing | undefined;
  /** The Apollo plugins that measure and name each GraphQL request. */
  plugins<Context extends BaseContext>(): ApolloServerPlugin<Context>[];
  /** The handler serving requests inside a server span (itself when tracing is off). */
  traced(handler: RequestHandler): RequestHandler;
  /** The /metrics route, when metrics are on. */
  routes(): Record<string, RequestHandler>;
  /** Sends the spans still buffered. */
  shutdown(): Promise<void>;
}

export function createServiceObservability(
  service: string,
  settings: ObservabilitySettings,
  options: ObservabilityOptions = {},
): ServiceObservability {
  const registry = settings.metricsEnabled ? createMetricsRegistry(service) : undefined;
  const tracing = createTracing(service, { ...settings, ...options });
  return {
    registry,
    tracing,
    plugins: <Context extends BaseContext>() => [
      ...(registry ? [operationMetricsPlugin<Context>(registry)] : []),
      ...(tracing ? [operationSpanPlugin<Context>()] : []),
    ],
    traced: (handler) => (tracing ? tracedHandler(tracing.tracer, handler) : handler),
    routes: (): Record<string, RequestHandler> =>
      registry ? { '/metrics': metricsHandler(registry) } : {},
    shutdown: async () => {
      await tracing?.shutdown();
    },
  };
}
