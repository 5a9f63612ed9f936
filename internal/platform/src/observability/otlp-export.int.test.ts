import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTracing } from './tracing';

/**
 * The built tracing module, run in a process of its own: the OTLP exporter
 * loads its HTTP transport with a dynamic import(), which jest's module
 * sandbox refuses, and a real process is what exports in production anyway.
 */
const TRACING_MODULE = path.resolve(__dirname, '../../dist/observability/tracing.js');
const EXPORT_ONE_SPAN = `
  const { createTracing } = require(process.env.TRACING_MODULE);
  const tracing = createTracing('inventory', { otlpTracesEndpoint: process.env.ENDPOINT });
  tracing.tracer.startSpan('query ProductPage').end();
  // Shutting down flushes the batch processor: the export happens now, not on its timer.
  tracing.shutdown().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
`;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A stand-in OTLP/HTTP collector: records every export and accepts it. */
async function startCollector(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, server };
}

describe('span export over OTLP/HTTP', () => {
  it("sends a service's spans, named and attributed to it, to the configured endpoint", async () => {
    const collector = await startCollector();
    try {
      await promisify(execFile)(process.execPath, ['-e', EXPORT_ONE_SPAN], {
        env: { ...process.env, TRACING_MODULE, ENDPOINT: `${collector.url}/v1/traces` },
      });

      expect(collector.received).toHaveLength(1);
      const [exported] = collector.received;
      expect(exported!.path).toBe('/v1/traces');
      const text = exported!.body.toString('utf8');
      expect(text).toContain('query ProductPage');
      expect(text).toContain('inventory');
    } finally {
      await new Promise<void>((resolve) => collector.server.close(() => resolve()));
    }
  });

  it('records no span at all when no endpoint is configured', () => {
    expect(createTracing('inventory', {})).toBeUndefined();
  });
});
