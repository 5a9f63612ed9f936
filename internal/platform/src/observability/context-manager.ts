import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

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
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  installed = true;
}
