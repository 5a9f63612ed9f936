import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SessionUse } from './pglite-wire-server';

export interface EmbeddedPostgresOptions {
  /** Where PGlite keeps its files; survives restarts. */
  dataDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface EmbeddedPostgres {
  /** postgres:// URL of the server; add ?schema=<subgraph> per subgraph. */
  url: string;
  /** How much of PGlite's one session the connections have used so far. */
  sessionUse(): Promise<SessionUse>;
  stop(): Promise<void>;
}

type WorkerMessage =
  | { type: 'ready'; port: number }
  | { type: 'stopped' }
  | { type: 'error'; message: string }
  | { type: 'session-use'; use: SessionUse };

/**
 * One PGlite database served over the Postgres wire protocol, so the embedded
 * mode uses the same `pg` driver, Prisma adapter and migrations as production.
 * PGlite is single-session; PGliteWireServer multiplexes connections onto it
 * a whole batch at a time and keeps a transaction's batches together. One instance costs ~800 MB RSS,
 * so the six subgraphs share it with a schema each.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  mkdirSync(options.dataDir, { recursive: true });
  const settings: Required<EmbeddedPostgresOptions> = {
    dataDir: path.resolve(options.dataDir),
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
  };
  const worker = new Worker(path.join(__dirname, 'embedded-postgres.worker.js'), {
    workerData: settings,
  });

  const port = await new Promise<number>((resolve, reject) => {
    const onMessage = (message: WorkerMessage): void => {
      if (message.type === 'ready') resolve(message.port);
      if (message.type === 'error')
        reject(new Error(`Embedded PostgreSQL failed to start: ${message.message}`));
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`Embedded PostgreSQL exited with code ${code}`)),
    );
  });

  // The worker answers in the order it is asked.
  const askingUse: ((use: SessionUse) => void)[] = [];
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'session-use') askingUse.shift()?.(message.use);
  });

  return {
    url: `postgresql://postgres@${settings.host}:${port}/postgres`,
    sessionUse() {
      return new Promise((resolve) => {
        askingUse.push(resolve);
        worker.postMessage({ type: 'session-use' });
      });
    },
    async stop() {
      const stopped = new Promise<void>((resolve) => {
        worker.on('message', (message: WorkerMessage) => {
          if (message.type === 'stopped') resolve();
        });
        worker.once('exit', () => resolve());
      });
      worker.postMessage({ type: 'stop' });
      await stopped;
      await worker.terminate();
    },
  };
}
