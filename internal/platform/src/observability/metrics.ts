import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { RequestHandler } from './tracing';

/**
 * A service's own registry, with prom-client's process metrics, every series
 * labelled `service`. Each service keeps its own (also when the embedded
 * stack runs them all in one process), so each port's /metrics shows that
 * service alone, as it does when it runs as its own process.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * What GET /metrics answers: a process's own registry, or a text gathered
 * from elsewhere in the same format (a forked router's workers, summed).
 */
export type MetricsSource = Pick<Registry, 'contentType' | 'metrics'>;

/** GET /metrics in Prometheus's text format. */
export function metricsHandler(source: MetricsSource): RequestHandler {
  return async (_req, res) => {
    const body = await source.metrics();
    res.writeHead(200, {
      'content-type': source.contentType,
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  };
}

/**
 * A counter kept elsewhere (a plain number some module increments), read
 * into the registry whenever /metrics is asked.
 */
export function registerCounterOf(
  registry: Registry,
  metric: { name: string; help: string },
  read: () => number,
): void {
  new Counter({
    ...metric,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/**
 * A gauge read whenever /metrics is asked: `read` answers the value now, or
 * undefined when it cannot be known (then the scrape has no sample of it,
 * rather than a stale one). `labels` are the series' fixed labels.
 */
export function registerGaugeOf(
  registry: Registry,
  metric: { name: string; help: string; labels?: Record<string, string> },
  read: () => number | undefined | Promise<number | undefined>,
): void {
  const labels = metric.labels ?? {};
  new Gauge({
    name: metric.name,
    help: metric.help,
    labelNames: Object.keys(labels),
    registers: [registry],
    async collect() {
      const value = await read();
      this.reset();
      if (value !== undefined) this.set(labels, value);
    },
  });
}

/**
 * One read shared by every caller while it is under way: the gauges a scrape
 * collects at once from one query make one query.
 */
export function sharedWhileInFlight<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () =>
    (inFlight ??= read().finally(() => {
      inFlight = undefined;
    }));
}

/** The label value of an unnamed operation. */
export const ANONYMOUS_LABEL = '__anonymous';
/** The label value every name past the limit folds into. */
export const OTHER_LABEL = '__other';

/**
 * Keeps a label's cardinality bounded when clients choose its values
 * (operation names): the first `limit` distinct values are kept, every later
 * one is counted under OTHER_LABEL, so no client can grow the series without end.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(private readonly limit: number) {}

  valueOf(name: string | null | undefined): string {
    if (!name) return ANONYMOUS_LABEL;
    if (this.seen.has(name)) return name;
    if (this.seen.size >= this.limit) return OTHER_LABEL;
    this.seen.add(name);
    return name;
  }
}
