// Runs the built embedded stack (stack/dist/main.js), or any other server a
// benchmark loads, as a child process on free ports, so the load generator
// does not share its event loop; reads its memory and CPU from /proc.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from '@shop/platform';
import { descendantsOf } from '@shop/testing';

export const root = path.resolve(import.meta.dirname, '../..');
/** USER_HZ, the unit of /proc/<pid>/stat times; 100 on Linux. */
export const CLOCK_TICKS_PER_SECOND = Number(
  execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(),
);

/**
 * The node a checkout runs on: the release its package.json pins
 * (node_modules/.bin/node), else the machine's, the first `node` on PATH
 * outside any node_modules (npm puts this checkout's pinned one first). So
 * a --baseline checkout from before the pin runs on what it ran on then.
 */
export function runtimeOf(checkoutRoot) {
  const pinned = path.join(checkoutRoot, 'node_modules/.bin/node');
  if (existsSync(pinned)) return pinned;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'node');
    if (!dir.split(path.sep).includes('node_modules') && existsSync(candidate)) return candidate;
  }
  return process.execPath;
}

/** The version of the node at `runtime`, as `node --version` prints it. */
export const versionOf = (runtime) =>
  execFileSync(runtime, ['--version'], { encoding: 'utf8' }).trim();

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
    'NOTIFICATIONS_PORT',
  ].map((key) => [key, '0']),
);

/**
 * Starts `command` (default: the stack built in `checkout`, this one unless
 * told, on that checkout's runtime, its node given `nodeArgs` such as
 * `--cpu-prof`, which NODE_OPTIONS refuses) and resolves once it prints its URL.
 * Its data is in a directory of its own, removed at stop, unless `dataDir`
 * names one to start on (and keep).
 */
export async function startStackProcess({
  checkout = root,
  nodeArgs = [],
  command = [runtimeOf(checkout), ...nodeArgs, path.join(checkout, 'stack/dist/main.js')],
  env = {},
  dataDir: given,
} = {}) {
  const dataDir = given ?? mkdtempSync(path.join(tmpdir(), 'shop-bench-'));
  const remove = () => {
    if (!given) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    // The embedded database's port too, for a scenario that reads its statistics.
    const stackEnv = { EMBEDDED_DB_PORT: String(await freePort()), ...env };
    const stack = await startProcess({
      command,
      env: { ...FREE_PORTS, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...stackEnv },
      readyLine: /Supergraph ready in [\d.]+s at (\S+)/,
    });
    return {
      ...stack,
      /** The variables it was started with beyond this process's own. */
      env: stackEnv,
      async stop() {
        await stack.stop();
        remove();
      },
    };
  } catch (error) {
    remove();
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
  const limits = limitsIn(env);
  if (limits) process.stderr.write(`bench: ${command.at(-1)} runs with ${limits}\n`);
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

/** The most often the memory of a started process group is sampled for its peak. */
const MEMORY_SAMPLE_MS = 250;
/**
 * The share of one core the sampler may take: it waits this many times as
 * long as its last sample took. Reading smaps_rollup walks every page table
 * of the group: for the embedded stack (some 50 processes, PostgreSQL's
 * backends among them) 15-30 ms a sample, and at every 250 ms the kernel's
 * smaps_account and its kin were 7% of the machine's CPU under perf during a
 * checkout load (2026-12-07), taken from what the benchmark measures.
 */
const MEMORY_SAMPLER_SHARE = 0.02;

function handle(child, url, startedAt) {
  // Sampled, as no counter keeps the peak of a sum over processes; the sampler ends with them.
  let peak = 0;
  let sampler;
  const sample = () => {
    const startedMs = performance.now();
    peak = Math.max(peak, sumPss(child.pid));
    const tookMs = performance.now() - startedMs;
    sampler = setTimeout(sample, Math.max(MEMORY_SAMPLE_MS, tookMs / MEMORY_SAMPLER_SHARE));
    sampler.unref();
  };
  sampler = setTimeout(sample, MEMORY_SAMPLE_MS).unref();
  child.once('exit', () => clearTimeout(sampler));
  return {
    url,
    pid: child.pid,
    startupSeconds: (performance.now() - startedAt) / 1000,
    /**
     * The largest memory the group held at a sample (every 250 ms, less
     * often where a sample is slow): the sum of its processes' PSS, which
     * counts a page shared by several processes once in all. Summing each
     * process's peak RSS (VmHWM) counted the embedded PostgreSQL's shared
     * buffers once per backend: 3.4 GiB for a stack whose PSS peaked under
     * 1.5 GiB.
     */
    peakMemoryBytes: () => Math.max(peak, sumPss(child.pid)),
    /** The group's memory now (its processes' PSS, summed). */
    memoryBytes: () => sumPss(child.pid),
    /** Makes the peak start again from the memory held now. */
    resetPeakMemory() {
      peak = sumPss(child.pid);
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
     * The same CPU time by program: each service by its name (its script's
     * folder, `subgraphs/<name>/` or `router/`), the embedded `postgres`, and
     * `stack` for the supervisor.
     */
    cpuSecondsByProgram() {
      const byProgram = {};
      for (const pid of groupPids(child.pid)) {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          const program = programOf(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
          byProgram[program] =
            (byProgram[program] ?? 0) +
            (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
        } catch {
          // the process ended between the listing and the read
        }
      }
      return byProgram;
    },
    stop: () => stopGroup(child),
  };
}

/**
 * SIGTERM; after STOP_GRACE_MS a second one (the stack then exits at once,
 * still writing a --cpu-prof profile), and SIGKILL as a last resort.
 */
async function stopGroup(child) {
  const leaderExited = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(true);
    else child.once('exit', () => resolve(true));
  });
  // The leader (npm, for `npm start`) may exit before the processes it started have
  // stopped; a next start on the same data would find them still serving it.
  const exited = leaderExited.then(async () => {
    while (liveMembersOf(child.pid) > 0) await delay(50, undefined, { ref: false });
    return true;
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

/** The PSS of every process of the group, from /proc/<pid>/smaps_rollup, in bytes. */
function sumPss(groupId) {
  let total = 0;
  for (const rollup of groupFiles(groupId, 'smaps_rollup')) {
    const match = /^Pss:\s+(\d+) kB/m.exec(rollup);
    if (match) total += Number(match[1]) * 1024;
  }
  return total;
}

/** What a process of the stack runs, from its command line (NUL-separated arguments). */
function programOf(cmdline) {
  const service = /\/(?:subgraphs\/([a-z]+)|(router))\/dist\//.exec(cmdline);
  if (service) return service[1] ?? service[2];
  return /postgres/.test(cmdline.split('\0')[0]) ? 'postgres' : 'stack';
}

/** The group's leader and every process descended from it (see descendantsOf). */
function groupPids(leader) {
  return [leader, ...descendantsOf(leader)].filter((pid) => existsSync(`/proc/${pid}`));
}

/** How many processes of process group `pgid` are alive (not zombies), wherever their parent. */
function liveMembersOf(pgid) {
  let members = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After the parenthesised command: state, ppid, pgrp.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') members += 1;
    } catch {
      // the process ended between the listing and the read
    }
  }
  return members;
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
  const send = () =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
  let response;
  try {
    response = await send();
  } catch (error) {
    // A kept-alive socket the server closed as idle just as this request went out on it (the
    // client's timer late on a loaded machine): the server never read the request, so it is
    // sent again, once, on a new connection.
    if (error.cause?.code !== 'UND_ERR_SOCKET') throw error;
    response = await send();
  }
  return response.json();
}

/**
 * Where scenarios get their embedded stacks. `fresh`: a stack of its own per
 * call, started with what the scenario asks for, as a measurement needs.
 * `shared` (bench --smoke): one stack, started once with the load-test
 * limits, serves every scenario, as starting
 * eight stacks to prove the scenarios still run would take minutes; what a
 * scenario asks for beyond that is named on stderr and not applied.
 */
export function stackSource(kind) {
  if (kind === 'fresh') return { start: startStackProcess, close: async () => undefined };
  let shared;
  return {
    async start({ env = {} } = {}) {
      shared ??= startStackProcess({ env: ONE_ADDRESS_LIMITS_OFF });
      const stack = await shared;
      const ignored = Object.entries(env).filter(([key, value]) => stack.env[key] !== value);
      if (ignored.length > 0) {
        const names = ignored.map(([key, value]) => `${key}=${value}`).join(' ');
        process.stderr.write(`bench --smoke: one stack for all, not started with ${names}\n`);
      }
      return { ...stack, stop: async () => undefined };
    },
    async close() {
      if (shared) await (await shared).stop();
    },
  };
}

/**
 * The router's per-client-address limits, off: a load generator is one
 * address (127.0.0.1) for all its clients, where the same load from a
 * store's visitors would come from as many addresses as clients. The limits
 * stay on in every other setting; a subscribe burst over graphql-ws counts
 * as requests like any other, since that is what the limit protects the
 * router from (issue #16's subscription floods). Every start that sets them
 * says so on stderr (limitsIn), so no figure is read as one under the limits.
 */
export const ONE_ADDRESS_LIMITS_OFF = {
  RATE_LIMIT_PER_SECOND: '0',
  SUBSCRIPTION_MAX_CONNECTIONS_PER_ADDRESS: '0',
};

/** The router limits `env` sets, as `NAME=value …`; undefined when it sets none. */
export function limitsIn(env) {
  const limits = Object.entries(env).filter(([key]) =>
    /^(RATE_LIMIT_|SUBSCRIPTION_MAX_|MAX_)/.test(key),
  );
  return limits.length > 0 ? limits.map(([key, value]) => `${key}=${value}`).join(' ') : undefined;
}
