import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { testLogFile } from '@shop/testing';
import { REPO_ROOT } from '@shop/stack';

const START_TIMEOUT_MS = 30_000;

export interface SubgraphProcess {
  /** Its GraphQL endpoint. */
  url: string;
  pid: number;
  /** Ends it at once, as a crash or an OOM kill would: no shutdown, no draining. */
  kill(): Promise<void>;
}

/**
 * A subgraph as production runs it: starts `node subgraphs/<name>/dist/main.js`
 * with exactly this environment and answers once it listens. Its JSON logs
 * (stdout and stderr) go to a file in the run's log directory, which the
 * global teardown scans for card data.
 */
export async function startSubgraphProcess(
  name: string,
  env: Record<string, string>,
): Promise<SubgraphProcess> {
  const main = path.join(REPO_ROOT, 'subgraphs', name, 'dist', 'main.js');
  if (!existsSync(main)) {
    throw new Error(`${main} is missing: build first (npm run build)`);
  }
  const child = spawn(process.execPath, [main], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(testLogFile(name));
  child.stderr!.pipe(log, { end: false });
  // 'close': the process has ended and its output has been read to the end.
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  try {
    const url = await listeningUrl(name, child, log);
    return {
      url,
      pid: child.pid!,
      async kill() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
        log.end();
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    log.end();
    throw error;
  }
}

/** The URL of the "subgraph listening" line, while every line goes on to the log file. */
function listeningUrl(
  name: string,
  child: ChildProcess,
  log: NodeJS.WritableStream,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not listen within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before listening (${signal ?? code}); see its log`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      const entry = parsed(line);
      if (entry?.msg === 'subgraph listening' && typeof entry.url === 'string') {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
  });
}

function parsed(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
