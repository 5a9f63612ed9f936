import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type * as OtelCore from '@opentelemetry/core';
import type * as OtlpHttpExporter from '@opentelemetry/exporter-trace-otlp-http';
import type * as OtelResources from '@opentelemetry/resources';
import type * as OtelTraceBase from '@opentelemetry/sdk-trace-base';
import type {
  InMemorySpanExporter,
  SpanExporter,
  SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVICE_NAME,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import { ensureContextManager } from './context-manager';
import { loadOnUse } from './load-on-use';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** Where a service's spans go: OTLP/HTTP, or an exporter given by the caller (tests). */
export interface TracingOptions {
  otlpTracesEndpoint?: string;
  /** Spans are handed over as each ends (tests read them from an in-memory exporter). */
  spanExporter?: SpanExporter;
}

/** One service's tracer: its own provider, so every span names the service that made it. */
export interface ServiceTracing {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

/**
 * The tracing SDK, loaded by the first service that traces: loaded at start,
 * its exporter, tracer provider and resources added about 20 MiB to every
 * process (PSS of a bare Node 36 MiB; with @shop/platform 80 MiB, 2026-12-06),
 * though most run without an exporter and never start a span.
 */
function tracingSdk() {
  return {
    ...loadOnUse<typeof OtelCore>('@opentelemetry/core'),
    ...loadOnUse<typeof OtelResources>('@opentelemetry/resources'),
    ...loadOnUse<typeof OtelTraceBase>('@opentelemetry/sdk-trace-base'),
  };
}

/** An exporter keeping spans in memory, for tests to read (the SDK loaded only then). */
export function inMemorySpanExporter(): InMemorySpanExporter {
  return new (tracingSdk().InMemorySpanExporter)();
}

let w3cPropagator: OtelCore.W3CTraceContextPropagator | undefined;

/** W3C trace context (`traceparent`, `tracestate`), the one propagation format used. */
function propagator(): OtelCore.W3CTraceContextPropagator {
  return (w3cPropagator ??= new (tracingSdk().W3CTraceContextPropagator)());
}

/**
 * The service's tracing, or undefined when nothing would receive its spans:
 * then no span is started anywhere and requests pay nothing for tracing.
 */
export function createTracing(
  service: string,
  options: TracingOptions,
): ServiceTracing | undefined {
  if (!options.otlpTracesEndpoint && !options.spanExporter) return undefined;
  const { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, resourceFromAttributes } =
    tracingSdk();
  const spanProcessors: SpanProcessor[] = [];
  if (options.otlpTracesEndpoint) {
    const { OTLPTraceExporter } = loadOnUse<typeof OtlpHttpExporter>(
      '@opentelemetry/exporter-trace-otlp-http',
    );
    spanProcessors.push(
      new BatchSpanProcessor(new OTLPTraceExporter({ url: options.otlpTracesEndpoint })),
    );
  }
  if (options.spanExporter) spanProcessors.push(new SimpleSpanProcessor(options.spanExporter));

  ensureContextManager();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: service }),
    spanProcessors,
  });
  return {
    tracer: provider.getTracer('@shop/platform'),
    shutdown: () => provider.shutdown(),
  };
}

/**
 * Serves each request inside a server span that continues the caller's
 * trace (its `traceparent`), ended when the response is.
 */
export function tracedHandler(tracer: Tracer, handler: RequestHandler): RequestHandler {
  return (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const method = req.method ?? 'GET';
    const parent = propagator().extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const span = tracer.startSpan(
      `${method} ${path}`,
      {
        kind: SpanKind.SERVER,
        attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: path },
      },
      parent,
    );
    res.once('close', () => {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    return context.with(trace.setSpan(parent, span), () => handler(req, res));
  };
}

/**
 * Starts a client span under the active one and writes its trace context
 * into `headers`, so the called service's server span becomes its child.
 */
export function startClientSpan(
  tracer: Tracer,
  name: string,
  attributes: Record<string, string>,
  headers: Record<string, string>,
): Span {
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes });
  propagator().inject(trace.setSpan(context.active(), span), headers, defaultTextMapSetter);
  return span;
}
