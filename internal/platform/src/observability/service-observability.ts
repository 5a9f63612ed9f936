import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Registry } from 'prom-client';
import { createMetricsRegistry, metricsHandler, type MetricsSource } from './metrics';
import { startMetricsListener, type MetricsListener } from './metrics-listener';
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
export type ObservabilityOptions = Pick<TracingOptions, 'spanExporter'> & {
  /** What /metrics answers instead of this process's registry (a forked router's workers, summed). */
  metricsOf?: (registry: Registry) => MetricsSource;
};

/**
 * One service's metrics and traces. Either may be off: `registry` is
 * undefined with METRICS_ENABLED=false (and in production without
 * METRICS_PORT), `tracing` without an exporter.
 */
export interface ServiceObservability {
  registry: Registry | undefined;
  tracing: ServiceTracing | undefined;
  /** The Apollo plugins that measure and name each GraphQL request. */
  plugins<Context extends BaseContext>(): ApolloServerPlugin<Context>[];
  /** The handler serving requests inside a server span (itself when tracing is off). */
  traced(handler: RequestHandler): RequestHandler;
  /** The /metrics route of the service's own port, when metrics are on and have no listener of their own. */
  routes(): Record<string, RequestHandler>;
  /** Opens the listener of its own /metrics has, if any (METRICS_PORT); resolves with its URL. */
  listen(): Promise<string | undefined>;
  /** Sends the spans still buffered and closes the metrics listener. */
  shutdown(): Promise<void>;
}

export function createServiceObservability(
  service: string,
  settings: ObservabilitySettings,
  options: ObservabilityOptions = {},
): ServiceObservability {
  const registry = settings.metricsEnabled ? createMetricsRegistry(service) : undefined;
  const exposed = registry && (options.metricsOf?.(registry) ?? registry);
  const tracing = createTracing(service, { ...settings, spanExporter: options.spanExporter });
  const address = settings.metricsListener;
  let listener: MetricsListener | undefined;
  return {
    registry,
    tracing,
    plugins: <Context extends BaseContext>() => [
      ...(registry ? [operationMetricsPlugin<Context>(registry)] : []),
      ...(tracing ? [operationSpanPlugin<Context>()] : []),
    ],
    traced: (handler) => (tracing ? tracedHandler(tracing.tracer, handler) : handler),
    routes: (): Record<string, RequestHandler> =>
      exposed && !address ? { '/metrics': metricsHandler(exposed) } : {},
    listen: async () => {
      if (!exposed || !address) return undefined;
      listener ??= await startMetricsListener(exposed, address);
      return listener.url;
    },
    shutdown: async () => {
      await listener?.close();
      await tracing?.shutdown();
    },
  };
}
