// Runs PGlite and its Postgres wire-protocol server on a thread of its own, so
// the database's WebAssembly work does not block the subgraphs' event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { EmbeddedPostgresOptions } from './embedded-postgres';

async function main(options: Required<EmbeddedPostgresOptions>): Promise<void> {
  // The contrib extensions ship as ES modules only.
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const db = await PGlite.create(options.dataDir, { extensions: { pg_trgm } });
  const server = new PGLiteSocketServer({
    db,
    host: options.host,
    port: options.port,
    maxConnections: options.maxConnections,
  });
  await server.start();
  const address = server.getServerConn();
  parentPort?.postMessage({ type: 'ready', port: Number(address.split(':').pop()) });

  parentPort?.on('message', (message: { type: string }) => {
    if (message.type !== 'stop') return;
    void (async () => {
      await server.stop();
      await db.close();
      parentPort?.postMessage({ type: 'stopped' });
    })();
  });
}

main(workerData as Required<EmbeddedPostgresOptions>).catch((error: unknown) => {
  parentPort?.postMessage({
    type: 'error',
    message: error instanceof Error ? error.stack : String(error),
  });
});
