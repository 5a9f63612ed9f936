import { context } from '@opentelemetry/api';
import type * as ContextAsyncHooks from '@opentelemetry/context-async-hooks';
import { loadOnUse } from './load-on-use';

let installed = false;

/**
 * Installs OpenTelemetry's AsyncLocalStorage context manager once per
 * process, so a span started in a request handler is the parent of the spans
 * its awaited work starts (the router's subgraph calls) without passing it
 * along by hand. It is the one global piece of tracing: every service's
 * tracer (each with its own provider and service.name) reads the active span
 * through it.
 */
export function ensureContextManager(): void {
  if (installed) return;
  // Loaded with the rest of the tracing SDK, only by a process that traces (tracing.ts says why).
  const { AsyncLocalStorageContextManager } = loadOnUse<typeof ContextAsyncHooks>(
    '@opentelemetry/context-async-hooks',
  );
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  installed = true;
}
