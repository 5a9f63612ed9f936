import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePort } from './free-port';

const listenOn = (port: number) =>
  new Promise<() => Promise<void>>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve(() => new Promise((closed) => server.close(() => closed()))),
    );
  });

describe('freePort', () => {
  it('gives ports a server can listen on, each once', async () => {
    const ports = [];
    for (let index = 0; index < 20; index++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
    const closes = await Promise.all(ports.map(listenOn));
    await Promise.all(closes.map((close) => close()));
  });

  it('chooses below the range Linux gives connections and listen(0) from', async () => {
    const rangeStart = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    for (let index = 0; index < 20; index++) {
      const port = await freePort();
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(rangeStart);
    }
  });
});
