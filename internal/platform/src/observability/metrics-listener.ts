import { createServer } from 'node:http';
import { close, listen } from '../http/http-server';
import { sendGraphQLError } from '../http/respond';
import { metricsHandler, type MetricsSource } from './metrics';
import type { MetricsListenerAddress } from './settings';

export interface MetricsListener {
  /** Where Prometheus scrapes: http://<host>:<port>/metrics. */
  url: string;
  close(): Promise<void>;
}

/**
 * GET /metrics on a port of its own and nothing else there, so the
 * service's public port answers no one with operation names and timings.
 */
export async function startMetricsListener(
  source: MetricsSource,
  address: MetricsListenerAddress,
): Promise<MetricsListener> {
  const metrics = metricsHandler(source);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      sendGraphQLError(res, 404, 'Only GET /metrics is served here', 'NOT_FOUND');
      return;
    }
    Promise.resolve(metrics(req, res)).catch(() => {
      if (!res.headersSent) {
        sendGraphQLError(res, 500, 'Metrics unavailable', 'INTERNAL_SERVER_ERROR');
      } else {
        res.end();
      }
    });
  });
  const port = await listen(server, address.port, address.host);
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return { url: `http://${host}:${port}/metrics`, close: () => close(server) };
}
