// Runs the built embedded stack (stack/dist/main.js), or any other server a
// benchmark loads, as a child process on free ports, so the load generator
// does not share its event loop; reads its memory and CPU from /proc.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
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

/** How long a process started by URL may take to answer. */
const READY_TIMEOUT_MS = 120_000;
/** Characters of a child's output kept for an error message. */
const OUTPUT_KEPT = 64 * 1024;

/** Processes started here and still running, killed with all they started if this process exits first. */
const running = new Set();
process.once('exit', () => {
  for (const pid of [...running].flatMap(groupPids)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
// A signal would end this process without 'exit'; turn it into one.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));

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

/**
 * Starts `command` (default: the built stack, its node given `nodeArgs` such
 * as `--cpu-prof`, which NODE_OPTIONS refuses) and resolves once it prints its URL.
 */
export async function startStackProcess({
  nodeArgs = [],
  command = [process.execPath, ...nodeArgs, 'stack/dist/main.js'],
  env = {},
} = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-bench-'));
  try {
    const stack = await startProcess({
      command,
      env: { ...FREE_PORTS, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
      readyLine: /Supergraph ready in [\d.]+s at (\S+)/,
    });
    return {
      ...stack,
      async stop() {
        await stack.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Starts `command` in a process group of its own. It is ready once it prints
 * a line matching `readyLine` (whose first group is its URL), or, given
 * `url`, once that URL answers a GraphQL request. The group is killed if
 * this process exits first.
 */
export async function startProcess({ command, env = {}, readyLine, url }) {
  const startedAt = performance.now();
  const child = spawn(command[0], command.slice(1), {
    cwd: root,
    env: { ...process.env, ...env },
    detached: true,
  });
  running.add(child.pid);
  child.once('exit', () => running.delete(child.pid));
  let output = '';
  const status = { exited: false };
  const ready = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      // Only the end is kept, for the error below; a long run must not grow it.
      output = (output + chunk).slice(-OUTPUT_KEPT);
      const match = readyLine?.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      status.exited = true;
      reject(new Error(`${command.join(' ')} exited with ${code}:\n${output}`));
    });
    if (url) answersWithin(url, READY_TIMEOUT_MS, status).then(() => resolve(url), reject);
  });
  try {
    return handle(child, await ready, startedAt);
  } catch (error) {
    if (child.exitCode === null) await stopGroup(child);
    throw error;
  }
}

function handle(child, url, startedAt) {
  return {
    url,
    pid: child.pid,
    startupSeconds: (performance.now() - startedAt) / 1000,
    /** Peak resident memory of every process of the group (VmHWM, summed). */
    peakRssBytes: () => sumStatus(child.pid, 'VmHWM'),
    /** Resident memory of every process of the group now (VmRSS, summed). */
    rssBytes: () => sumStatus(child.pid, 'VmRSS'),
    /** Makes the peak start again from the current resident memory (Linux's clear_refs). */
    resetPeakRss() {
      for (const pid of groupPids(child.pid)) {
        try {
          writeFileSync(`/proc/${pid}/clear_refs`, '5');
        } catch {
          // the process ended between the listing and the write
        }
      }
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
    stop: () => stopGroup(child),
  };
}

/**
 * SIGTERM; after STOP_GRACE_MS a second one (the stack then exits at once,
 * still writing a --cpu-prof profile), and SIGKILL as a last resort.
 */
async function stopGroup(child) {
  const exited = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(true);
    else child.once('exit', () => resolve(true));
  });
  for (const signal of ['SIGTERM', 'SIGTERM', 'SIGKILL']) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the whole group has exited already
    }
    if (await Promise.race([exited, delay(STOP_GRACE_MS, false, { ref: false })])) break;
    process.stderr.write(
      `${child.spawnargs.join(' ')} did not stop in ${STOP_GRACE_MS} ms after ${signal}\n`,
    );
  }
}

/**
 * Resolves once `url` answers a POST of `{ __typename }` (any status); rejects
 * after `ms`, and stops asking once `child.exited`.
 */
async function answersWithin(url, ms, child) {
  const deadline = performance.now() + ms;
  while (!child.exited) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      await response.arrayBuffer();
      return;
    } catch (error) {
      if (performance.now() > deadline) {
        throw new Error(`${url} did not answer in ${ms} ms`, { cause: error });
      }
      await delay(100);
    }
  }
}

/** A port free on 127.0.0.1 now, for a process that must be told its port. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A /proc/<pid>/status field in kB, summed over the group, in bytes. */
function sumStatus(groupId, field) {
  let total = 0;
  for (const status of groupFiles(groupId, 'status')) {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
    if (match) total += Number(match[1]) * 1024;
  }
  return total;
}

/**
 * The group's leader and every process descended from it: npm start runs
 * each service in a process group of its own, and the database server's
 * backends are its children, so the group alone would miss most of the stack.
 */
function groupPids(leader) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const pids = [leader];
  for (let index = 0; index < pids.length; index++) pids.push(...(children.get(pids[index]) ?? []));
  return pids.filter((pid) => existsSync(`/proc/${pid}`));
}

/** /proc/<pid>/<file> of every live process of the group. */
function groupFiles(groupId, file) {
  const contents = [];
  for (const pid of groupPids(groupId)) {
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
