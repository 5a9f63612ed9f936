import { trace } from '@opentelemetry/api';

/** The trace id of the active span, for log lines; undefined outside any span. */
export function activeTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
