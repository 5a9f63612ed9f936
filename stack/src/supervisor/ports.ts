import { createServer } from 'node:net';

/**
 * A port free on `host` now. Ports are fixed before anything starts, so a
 * process restarted after a crash comes back where the supergraph routes to.
 */
export async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('No port was assigned');
  return address.port;
}

/** The configured port, or a free one for 0. */
export async function portOrFree(port: number, host: string): Promise<number> {
  return port === 0 ? freePort(host) : port;
}
