import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@shop/stack';
import { freePort } from '@shop/platform';
import { testLogFile } from '@shop/testing';

const ENTRY = path.join(REPO_ROOT, 'stack', 'dist', 'main.js');
const READY_TIMEOUT_MS = 180_000;

export interface StackProcess {
  child: ChildProcess;
  /** The router's GraphQL URL. */
  url: string;
  /** Everything the supervisor printed so far (its own log lines go to LOG_FILE). */
  output(): string;
  /** SIGTERM (Ctrl-C's SIGINT likewise) and the supervisor's exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `npm start`'s process, as built, on the embedded database in `dataDir`,
 * every port free; its log lines (every process's) go to a file of the
 * run's log directory, which the global teardown scans for card data.
 */
export async function startStackProcess(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<StackProcess> {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build first`);
  const child = spawn(process.execPath, [ENTRY], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      LOG_FILE: testLogFile('embedded-stack'),
      DATA_DIR: dataDir,
      EMBEDDED_DB_PORT: String(await freePort()),
      PORT: '0',
      USERS_PORT: '0',
      PRODUCTS_PORT: '0',
      ORDERS_PORT: '0',
      PAYMENTS_PORT: '0',
      INVENTORY_PORT: '0',
      SEARCH_PORT: '0',
      NOTIFICATIONS_PORT: '0',
      ...env,
    },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready in ${READY_TIMEOUT_MS} ms:\n${output}`)),
      READY_TIMEOUT_MS,
    );
    const check = () => {
      const match = /Supergraph ready in [\d.]+s at (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before serving:\n${output}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
