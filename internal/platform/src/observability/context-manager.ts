import { context } from '@opentelemetry/api';
import type * as ContextAsyncHooks from '@opentelemetry/context-async-hooks';

/**
 * A module loaded when first used rather than at start: the tracing SDK,
 * which a process without an exporter never needs (see tracing.ts).
 */
export function loadOnUse<Module>(id: string): Module {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id) as Module;
}

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
