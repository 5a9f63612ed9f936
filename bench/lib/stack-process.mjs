// Runs the built embedded stack (stack/dist/main.js) as a child process on
// free ports, so a benchmark's load generator does not share its event loop.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const root = path.resolve(import.meta.dirname, '../..');
/** USER_HZ, the unit of /proc/<pid>/stat times; 100 on Linux. */
const CLOCK_TICKS_PER_SECOND = Number(
  execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(),
);

/**
 * Checkouts still in flight at SIGTERM have kept the stack from exiting for
 * longer than this; a benchmark has its figures by then and need not wait.
 */
const STOP_GRACE_MS = 15_000;

const FREE_PORTS = Object.fromEntries(
  [
    'PORT',
    'USERS_PORT',
    'PRODUCTS_PORT',
    'ORDERS_PORT',
    'PAYMENTS_PORT',
    'INVENTORY_PORT',
    'SEARCH_PORT',
  ].map((key) => [key, '0']),
);

/** Starts `command` (default: the built stack) and resolves once it prints its URL. */
export async function startStackProcess({
  command = [process.execPath, 'stack/dist/main.js'],
  env = {},
} = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-bench-'));
  const startedAt = performance.now();
  const child = spawn(command[0], command.slice(1), {
    cwd: root,
    env: { ...process.env, ...FREE_PORTS, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    detached: true,
  });
  const url = await new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      const match = /Supergraph ready in [\d.]+s at (\S+)/.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the stack exited with ${code}:\n${output}`)));
  });
  return {
    url,
    pid: child.pid,
    startupSeconds: (performance.now() - startedAt) / 1000,
    /** Peak resident memory of every process of the group (VmHWM, summed). */
    peakRssBytes() {
      let total = 0;
      for (const status of groupFiles(child.pid, 'status')) {
        const match = /VmHWM:\s+(\d+) kB/.exec(status);
        if (match) total += Number(match[1]) * 1024;
      }
      return total;
    },
    /**
     * CPU time (user + system, all threads) the group's processes have used
     * so far: unlike latency, it does not grow when other work shares the cores.
     */
    cpuSeconds() {
      let ticks = 0;
      for (const stat of groupFiles(child.pid, 'stat')) {
        // Fields after the parenthesised command; utime and stime are the 14th and 15th.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks += Number(fields[11]) + Number(fields[12]);
      }
      return ticks / CLOCK_TICKS_PER_SECOND;
    },
    /**
     * SIGTERM; after STOP_GRACE_MS a second one (the stack then exits at
     * once, still writing a --cpu-prof profile), and SIGKILL as a last resort.
     */
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', () => resolve(true)));
      for (const signal of ['SIGTERM', 'SIGTERM', 'SIGKILL']) {
        process.kill(-child.pid, signal);
        if (await Promise.race([exited, delay(STOP_GRACE_MS, false, { ref: false })])) break;
        process.stderr.write(`The stack did not stop in ${STOP_GRACE_MS} ms after ${signal}\n`);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** /proc/<pid>/<file> of every live process of the group. */
function groupFiles(groupId, file) {
  const pids = execFileSync('bash', ['-c', `pgrep -g ${groupId} || true`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  const contents = [];
  for (const pid of pids) {
    try {
      contents.push(readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    } catch {
      // the process ended between the listing and the read
    }
  }
  return contents;
}

export async function graphql(url, query, variables, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}
