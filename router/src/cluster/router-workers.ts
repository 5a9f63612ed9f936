import cluster, { type Worker } from 'node:cluster';
import { isReadyMessage, StartupError, STOP_MESSAGE, type Logger } from '@shop/platform';
import type { RouterConfig } from '../config';
import { answerWorkersMetrics } from './cluster-metrics';

/** The first replacement of a dead worker waits this long; each failed one doubles it, up to the max. */
const RESTART_FIRST_MS = 1_000;
const RESTART_MAX_MS = 30_000;

export interface RouterWorkers {
  url: string;
  /** Every worker stopped as on SIGTERM (each drains its requests and subscriptions), then resolves. */
  stop(): Promise<void>;
}

/**
 * The router as `config.cluster.workers` forks of this process sharing its port
 * (node:cluster: the primary accepts connections and hands them to the
 * workers in turn, so a connection, and every request and subscription on
 * it, lives in one worker). Each worker is a whole router, started as a
 * single process is; this primary serves nothing itself. It resolves once
 * every worker serves; a worker that dies afterwards is logged and
 * replaced, and /metrics, asked of any worker, answers for all of them.
 */
export async function startRouterWorkers(
  config: RouterConfig,
  log: Logger,
): Promise<RouterWorkers> {
  answerWorkersMetrics();
  let stopping = false;
  let failedRestarts = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  /** Workers that said they serve: only those listen for the stop message yet. */
  const serving = new Set<Worker>();
  /**
   * What a worker is forked with: the PORT its serving siblings listen with
   * (the primary shares one socket per address and port asked for). With
   * PORT=0 the system chose one, and were every worker to die at once that
   * socket would close: their replacements then ask for the chosen one.
   */
  let listenEnv: Record<string, string> = {};

  const replace = (): void => {
    const delayMs = Math.min(RESTART_FIRST_MS * 2 ** failedRestarts, RESTART_MAX_MS);
    restartTimer = setTimeout(() => {
      if (stopping) return;
      if (serving.size === 0) listenEnv = { PORT: new URL(url).port };
      forkUntilReady().then(
        ({ worker }) => {
          failedRestarts = 0;
          log.info({ worker: worker.process.pid }, 'router worker replaced');
        },
        (error: unknown) => {
          failedRestarts++;
          log.error({ err: error }, 'router worker failed to start; trying again');
          replace();
        },
      );
    }, delayMs);
  };

  const forkUntilReady = (): Promise<{ worker: Worker; url: string }> => {
    const worker = cluster.fork(listenEnv);
    return new Promise((resolve, reject) => {
      const exitedEarly = (code: number | null, signal: string | null) =>
        reject(
          new StartupError(`a router worker exited (${signal ?? `code ${code}`}) before serving`),
        );
      worker.once('exit', exitedEarly);
      worker.on('message', (message) => {
        if (!isReadyMessage(message)) return;
        worker.off('exit', exitedEarly);
        serving.add(worker);
        worker.once('exit', (code, signal) => {
          serving.delete(worker);
          if (stopping) return;
          log.error(
            { worker: worker.process.pid, code, signal },
            'router worker died; starting another',
          );
          replace();
        });
        resolve({ worker, url: message.url });
      });
    });
  };

  const started = await Promise.all(Array.from({ length: config.cluster.workers }, forkUntilReady));
  // One port for all (PORT=0 too: the primary opens it once, for every worker).
  const url = started[0]!.url;
  log.info({ url, workers: config.cluster.workers }, 'router listening with its workers');
  return {
    url,
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.isDead()) return resolve();
              worker.once('exit', () => resolve());
              // One still starting has nothing to drain, and may not hear the message yet.
              if (serving.has(worker) && worker.isConnected()) worker.send(STOP_MESSAGE);
              else worker.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
