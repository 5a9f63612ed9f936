export * from './settings';
export * from './metrics';
export * from './metrics-listener';
export * from './tracing';
export * from './trace-id';
export * from './operation-plugins';
export * from './event-lag';
export * from './service-observability';
// Tests read spans from memory, with this workspace's SDK version.
export { SpanKind } from '@opentelemetry/api';
export type {
  InMemorySpanExporter,
  ReadableSpan,
  SpanExporter,
} from '@opentelemetry/sdk-trace-base';
export { inMemorySpanExporter } from './tracing';
