// Runs PGlite and its Postgres wire-protocol server on a thread of its own, so
// the database's WebAssembly work does not block the subgraphs' event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import type { EmbeddedPostgresOptions } from './embedded-postgres';
import { PGliteWireServer } from './pglite-wire-server';

async function main(options: Required<EmbeddedPostgresOptions>): Promise<void> {
  // The contrib extensions ship as ES modules only.
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const db = await PGlite.create(options.dataDir, { extensions: { pg_trgm } });
  const server = new PGliteWireServer(db);
  const port = await server.listen(options.port, options.host);
  parentPort?.postMessage({ type: 'ready', port });

  parentPort?.on('message', (message: { type: string }) => {
    if (message.type === 'session-use') {
      parentPort?.postMessage({ type: 'session-use', use: server.sessionUse() });
      return;
    }
    if (message.type !== 'stop') return;
    void (async () => {
      await server.close();
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
