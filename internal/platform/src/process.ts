import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { ConfigError } from './config';
import { StartupError } from './startup-error';
import { createLogger } from './logger';

/**
 * Keeps a process serving until SIGTERM or SIGINT, then stops it cleanly
 * (draining requests) and exits; a second signal exits at once. A process
 * started by a supervisor over an IPC channel (npm start) also stops when
 * that channel closes: a supervisor killed outright leaves nothing running.
 */
export function stopOnSignals(
  stop: () => Promise<void>,
  log: Logger,
  /** On the second signal, just before the exit: what must not be left running. */
  abandon?: () => void,
): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals | 'supervisor gone' | 'asked by the primary'): void => {
    if (stopping) {
      abandon?.();
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  if (process.send) process.once('disconnect', () => onSignal('supervisor gone'));
  // A node:cluster worker is stopped by its primary over IPC rather than by a
  // signal: a terminal's Ctrl-C reaches every process of the group, and the
  // primary's forwarded stop would then count as a second signal and cut the
  // drain short. A stop already under way is left to finish.
  if (cluster.isWorker) {
    process.on('message', (message) => {
      if (isStopMessage(message) && !stopping) onSignal('asked by the primary');
    });
  }
}

/** What a node:cluster primary sends a worker to have it stop as on SIGTERM. */
export const STOP_MESSAGE = { type: 'stop' } as const;

function isStopMessage(message: unknown): boolean {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'stop'
  );
}

/** What a service tells the supervisor that started it, once it serves. */
export interface ReadyMessage {
  type: 'ready';
  url: string;
  /** A subgraph's SDL, from which the supervisor composes the supergraph. */
  sdl?: string;
}

export function isReadyMessage(message: unknown): message is ReadyMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'ready' &&
    typeof (message as { url?: unknown }).url === 'string'
  );
}

/**
 * A service as the one job of its process (a subgraph's or the router's
 * main.ts): its configuration loaded, started, announced to a supervising
 * parent if there is one, and stopped on a signal. A bad variable, or a
 * start-up problem outside the code (StartupError), is one line naming it,
 * not a stack trace.
 */
export function runServiceProcess<Config, Service>(options: {
  name: string;
  loadConfig: () => Config;
  /** LOG_LEVEL, as the loaded configuration holds it. */
  logLevelOf: (config: Config) => string;
  start: (config: Config, log: Logger) => Promise<Service & { stop(): Promise<void> }>;
  ready: (service: Service) => Omit<ReadyMessage, 'type'>;
}): void {
  let config: Config;
  try {
    config = options.loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${options.name}: ${error.message}\n`);
    process.exit(1);
  }
  const log = createLogger(options.name, options.logLevelOf(config));
  options.start(config, log).then(
    (service) => {
      stopOnSignals(() => service.stop(), log);
      process.send?.({ type: 'ready', ...options.ready(service) } satisfies ReadyMessage);
    },
    (error: unknown) => {
      if (error instanceof StartupError) {
        log.fatal({ problem: error.message }, `${options.name} failed to start`);
        process.stderr.write(`${options.name}: ${error.message}\n`);
      } else {
        log.fatal({ err: error }, `${options.name} failed to start`);
      }
      process.exit(1);
    },
  );
}
