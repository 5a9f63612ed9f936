import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where Linux says which ports it gives connections and `listen(0)`. */
const EPHEMERAL_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';
/** The lowest port chosen; below it are the usual fixed ports of servers. */
const LOWEST = 10_000;
/** Random ports tried before the system's choice is taken after all. */
const ATTEMPTS = 50;

/** Ports this process handed out: a service given one may not listen yet. */
const given = new Set<number>();

/**
 * A TCP port free on `host` now, for a process that listens on it later:
 * a service whose address must be known before it starts (the stack's
 * subgraphs, the embedded PostgreSQL server). Where the system says which
 * ports it gives outgoing connections and `listen(0)` (Linux), the port is
 * chosen below that range: a port the system gave and took back is soon
 * given to another process's outgoing connection, and the service then
 * cannot listen on it (the bench's smoke test failed so, with notifications'
 * EADDRINUSE on a port chosen a moment before, while other tests ran).
 * Elsewhere, or when nothing below the range is free, the system chooses.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const below = ephemeralRangeStart();
  if (below !== undefined && below > LOWEST) {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const port = LOWEST + Math.floor(Math.random() * (below - LOWEST));
      if (given.has(port) || !(await canListen(port, host))) continue;
      given.add(port);
      return port;
    }
  }
  const port = await systemPort(host);
  given.add(port);
  return port;
}

function ephemeralRangeStart(): number | undefined {
  try {
    const start = Number(readFileSync(EPHEMERAL_RANGE_FILE, 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

function canListen(port: number, host: string): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

async function systemPort(host: string): Promise<number> {
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
