// Runs the built embedded stack (stack/dist/main.js) as a child process on
// free ports, so a benchmark's load generator does not share its event loop.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');

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
    startupSeconds: (performance.now() - startedAt) / 1000,
    /** Peak resident memory of every process of the group (VmHWM, summed). */
    peakRssBytes() {
      const pids = execFileSync('bash', ['-c', `pgrep -g ${child.pid} || true`], {
        encoding: 'utf8',
      })
        .split('\n')
        .filter(Boolean);
      let total = 0;
      for (const pid of pids) {
        try {
          const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
          if (match) total += Number(match[1]) * 1024;
        } catch {
          // the process ended between the listing and the read
        }
      }
      return total;
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function graphql(url, query, variables, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}
