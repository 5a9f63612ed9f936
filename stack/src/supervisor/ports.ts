import { freePort } from '@shop/platform';

/**
 * The configured port, or a free one for 0. Ports are fixed before anything
 * starts, so a process restarted after a crash comes back where the
 * supergraph routes to.
 */
export async function portOrFree(port: number, host: string): Promise<number> {
  return port === 0 ? freePort(host) : port;
}
