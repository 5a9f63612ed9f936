import { Histogram, type Registry } from 'prom-client';

/**
 * How long domain events take from happening to being handled: now minus
 * the event's occurredAt, observed as a consumer finishes handling it, per
 * stream and consumer group.
 */
export class EventLagMetric {
  private readonly lag: Histogram<'stream' | 'consumer'>;

  constructor(registry: Registry) {
    this.lag = new Histogram({
      name: 'domain_event_lag_seconds',
      help: 'Time from a domain event occurring to a consumer having handled it',
      labelNames: ['stream', 'consumer'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    });
  }

  observe(stream: string, consumer: string, occurredAt: string): void {
    const occurred = Date.parse(occurredAt);
    if (Number.isNaN(occurred)) return;
    this.lag.observe({ stream, consumer }, Math.max(0, Date.now() - occurred) / 1000);
  }
}
