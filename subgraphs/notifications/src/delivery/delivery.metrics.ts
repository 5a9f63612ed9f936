import { Counter, Histogram, type Registry } from 'prom-client';
import type { Channel } from '../db';

/**
 * The delivery's series on the process's /metrics: sent, failed for good,
 * retried (each transient failure), and the lag from the event to the send.
 * Without a registry (metrics off) they count for no one.
 */
export class DeliveryMetrics {
  private readonly sentTotal: Counter<'channel'>;
  private readonly failedTotal: Counter<'channel'>;
  private readonly retriedTotal: Counter<'channel'>;
  private readonly lag: Histogram<'channel'>;

  constructor(registry: Registry | undefined) {
    const registers = registry ? [registry] : [];
    this.sentTotal = new Counter({
      name: 'notifications_sent_total',
      help: 'Notification deliveries sent, per channel',
      labelNames: ['channel'],
      registers,
    });
    this.failedTotal = new Counter({
      name: 'notifications_failed_total',
      help: 'Notification deliveries given up (a permanent failure, or out of attempts), per channel',
      labelNames: ['channel'],
      registers,
    });
    this.retriedTotal = new Counter({
      name: 'notifications_retried_total',
      help: 'Transient delivery failures scheduled for another try, per channel',
      labelNames: ['channel'],
      registers,
    });
    this.lag = new Histogram({
      name: 'notification_send_lag_seconds',
      help: 'Time from the domain event to its notification being sent, per channel',
      labelNames: ['channel'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
      registers,
    });
  }

  sent(channel: Channel, occurredAt: Date): void {
    this.sentTotal.inc({ channel });
    this.lag.observe({ channel }, Math.max(0, Date.now() - occurredAt.getTime()) / 1000);
  }

  failed(channel: Channel): void {
    this.failedTotal.inc({ channel });
  }

  retried(channel: Channel): void {
    this.retriedTotal.inc({ channel });
  }
}
