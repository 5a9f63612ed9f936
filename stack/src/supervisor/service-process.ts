import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { isReadyMessage, type Logger, type ReadyMessage } from '@shop/platform';
import type { StackOutput } from './stack-output';

/** Lines of a process's output kept to explain why it failed to start. */
const TAIL_LINES = 30;
/** The first restart waits this long; each failed one doubles it, up to RESTART_MAX_MS. */
const RESTART_FIRST_MS = 1_000;
const RESTART_MAX_MS = 30_000;

export interface ServiceProcessOptions {
  name: string;
  /** The built main.js the process runs. */
  script: string;
  env: Record<string, string | undefined>;
  output: StackOutput;
  /** The supervisor's log, where exits and restarts are reported. */
  log: Logger;
  /** How long a process may take from spawn to ready (migrations and seeding included). */
  readyTimeoutMs: number;
  /** How long a process may take to drain after SIGTERM before it is killed. */
  stopTimeoutMs: number;
}

/** A process that exited, or never said it was ready, before serving. */
export class ServiceStartError extends Error {
  constructor(name: string, reason: string, tail: string[]) {
    super(`${name} did not start: ${reason}${tail.length > 0 ? `\n${tail.join('\n')}` : ''}`);
    this.name = 'ServiceStartError';
  }
}

/**
 * One service of the stack (a subgraph or the router) as a child process:
 * the same main.js production runs, with an IPC channel over which it says
 * it is ready (and which, when the supervisor dies, tells it to stop). Its
 * output goes to the stack's output under its name. In a process group of
 * its own, so a terminal's Ctrl-C reaches only the supervisor, which stops
 * the services in order. Once it has served, a process that dies is
 * reported and started again, after a pause that grows while restarts fail.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private failedRestarts = 0;
  private readonly tail: string[] = [];

  constructor(private readonly options: ServiceProcessOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** The running process's pid, if one runs. */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  /** Starts the process; resolves with what it announced once it serves. */
  async start(): Promise<ReadyMessage> {
    const ready = await this.spawnUntilReady();
    this.failedRestarts = 0;
    this.child?.once('exit', (code, signal) => this.exitedWhileServing(code, signal));
    return ready;
  }

  /** SIGTERM and a wait for the drain; SIGKILL after stopTimeoutMs. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.options.log.warn(
        { process: this.name, timeoutMs: this.options.stopTimeoutMs },
        `${this.name} did not stop in time; killing it`,
      );
      child.kill('SIGKILL');
    }, this.options.stopTimeoutMs);
    await exited;
    clearTimeout(timer);
  }

  private spawnUntilReady(): Promise<ReadyMessage> {
    const { name, script, env, output, readyTimeoutMs } = this.options;
    this.tail.length = 0;
    const child = spawn(process.execPath, [...process.execArgv, script], {
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => {
        this.tail.push(line);
        if (this.tail.length > TAIL_LINES) this.tail.shift();
        output.line(name, line);
      });
    }
    return new Promise<ReadyMessage>((resolve, reject) => {
      const fail = (reason: string) => {
        clearTimeout(timer);
        reject(new ServiceStartError(name, reason, [...this.tail]));
      };
      const timer = setTimeout(() => {
        fail(`not ready after ${readyTimeoutMs} ms`);
        child.kill('SIGKILL');
      }, readyTimeoutMs);
      child.on('message', (message) => {
        if (!isReadyMessage(message)) return;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(message);
      });
      child.once('error', (error) => fail(error.message));
      child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`})`));
    });
  }

  private exitedWhileServing(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return;
    this.options.log.error(
      { process: this.name, code, signal },
      `${this.name} exited while serving; the router answers without it until it is back`,
    );
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delayMs = Math.min(RESTART_FIRST_MS * 2 ** this.failedRestarts, RESTART_MAX_MS);
    this.options.log.info({ process: this.name, delayMs }, `restarting ${this.name}`);
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.start().then(
        () => this.options.log.info({ process: this.name }, `${this.name} is serving again`),
        (error: unknown) => {
          if (this.stopping) return;
          this.failedRestarts++;
          this.options.log.error({ process: this.name, err: error }, `${this.name} restart failed`);
          this.scheduleRestart();
        },
      );
    }, delayMs);
  }
}
