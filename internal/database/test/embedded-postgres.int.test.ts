import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import ts from 'typescript';
import { freePort } from '@shop/platform';
import {
  startEmbeddedPostgres,
  type EmbeddedPostgres,
  type EmbeddedPostgresLog,
  type EmbeddedPostgresOptions,
} from '../src/embedded-postgres';

// The port the module chooses, replaceable by a test: one taken before the server binds it.
jest.mock('@shop/platform', () => {
  const actual = jest.requireActual<{ freePort: typeof freePort }>('@shop/platform');
  return { ...actual, freePort: jest.fn(actual.freePort) };
});

// Real servers on a busy 2-core machine: initdb, crash recovery and shutdowns take seconds.
const TIMEOUT_MS = 120_000;
const isRoot = process.getuid?.() === 0;
const packageRoot = path.resolve(__dirname, '..');
const repositoryRoot = path.resolve(packageRoot, '../..');

interface LogEntry {
  level: keyof EmbeddedPostgresLog;
  fields: object;
  message: string;
}

function captureLog(onEntry?: (entry: LogEntry) => void) {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (fields: object, message: string): void => {
      const entry = { level, fields, message };
      entries.push(entry);
      onEntry?.(entry);
    };
  const log: EmbeddedPostgresLog = { info: at('info'), warn: at('warn'), error: at('error') };
  return { log, entries, said: (text: string) => entries.some((e) => e.message.includes(text)) };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every PostgreSQL process of a data directory: they all work in it. */
function serverProcesses(dataDir: string): number[] {
  const real = realpathSync(dataDir);
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/cwd`) === real;
      } catch {
        return false;
      }
    });
}

function uidOf(pid: number): number {
  return Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

function isRunning(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

function accountIds(name: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }));
  return { uid: id('-u'), gid: id('-g') };
}

async function query<Row extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe('the embedded PostgreSQL server', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'shop-embedded-pg-'));
  const servers: EmbeddedPostgres[] = [];
  const children: ChildProcess[] = [];

  async function start(
    dataDir: string,
    log: EmbeddedPostgresLog = captureLog().log,
    options: Partial<EmbeddedPostgresOptions> = {},
  ): Promise<EmbeddedPostgres> {
    const server = await startEmbeddedPostgres({ dataDir, log, ...options });
    servers.push(server);
    return server;
  }

  /**
   * This module in a process of its own, from its current sources: jest's module sandbox is
   * not a process that can be killed or run as another user.
   */
  function buildChild(): string {
    const out = mkdtempSync(path.join(tmpdir(), 'shop-embedded-pg-child-'));
    chmodSync(out, 0o755);
    for (const file of ['src/embedded-postgres.ts', 'test/embedded-postgres.child.ts']) {
      const { outputText } = ts.transpileModule(
        readFileSync(path.join(packageRoot, file), 'utf8'),
        {
          compilerOptions: {
            module: ts.ModuleKind.CommonJS,
            target: ts.ScriptTarget.ES2022,
            esModuleInterop: true,
          },
        },
      );
      const target = path.join(out, file.replace(/\.ts$/, '.js'));
      mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
      writeFileSync(target, outputText, { mode: 0o644 });
    }
    return path.join(out, 'test', 'embedded-postgres.child.js');
  }

  let childScript: string;
  beforeAll(() => {
    childScript = buildChild();
  });

  /** Resolves with the child's one JSON answer; rejects with its log if it exits without one. */
  function runChild(
    dataDir: string,
    mode: 'serve' | 'round-trip',
    user?: { uid: number; gid: number },
  ): { child: ChildProcess; answer: Promise<Record<string, unknown>> } {
    const child = spawn(process.execPath, [childScript, dataDir, mode], {
      // The built module sits in a temporary directory; its packages are the repository's.
      env: { ...process.env, NODE_PATH: path.join(repositoryRoot, 'node_modules') },
      cwd: tmpdir(),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...user,
    });
    children.push(child);
    const stderr: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
    const answer = new Promise<Record<string, unknown>>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', (line) =>
        resolve(JSON.parse(line) as Record<string, unknown>),
      );
      child.once('exit', (code, signal) =>
        reject(new Error(`child exited (${signal ?? code}):\n${stderr.join('\n')}`)),
      );
    });
    return { child, answer };
  }

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  }, TIMEOUT_MS);

  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    // Whatever a failed test left running under the scratch directory.
    const real = realpathSync(scratch);
    for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
      try {
        if (readlinkSync(`/proc/${entry}/cwd`).startsWith(real))
          process.kill(Number(entry), 'SIGKILL');
      } catch {
        // Gone, or not ours to read.
      }
    }
    rmSync(scratch, { recursive: true, force: true });
    rmSync(path.dirname(path.dirname(childScript)), { recursive: true, force: true });
  });

  it(
    'initialises an empty directory, creates databases, handles Unicode and pg_trgm, and keeps a row across a restart',
    async () => {
      const dataDir = path.join(scratch, 'restart', 'data');
      const first = await start(dataDir);
      expect(first.urlOf('orders')).toBe(`postgresql://postgres@127.0.0.1:${first.port}/orders`);
      await first.ensureDatabases(['orders', 'products']);
      await first.ensureDatabases(['orders']);
      expect(await query(first.urlOf('products'), 'SELECT current_database() AS db')).toEqual([
        { db: 'products' },
      ]);

      const orders = first.urlOf('orders');
      await query(orders, 'CREATE TABLE probe (name text PRIMARY KEY)');
      await query(orders, 'INSERT INTO probe VALUES ($1)', ['Éclair au café']);
      await query(orders, 'CREATE EXTENSION IF NOT EXISTS pg_trgm');
      expect(
        await query(
          orders,
          "SELECT lower('ÉCLAIR') AS lowered, 'ÉCLAIR' ILIKE 'éclair' AS matches, similarity(name, 'eclair au cafe') > 0.3 AS similar FROM probe",
        ),
      ).toEqual([{ lowered: 'éclair', matches: true, similar: true }]);
      expect((await query(orders, 'SHOW max_connections'))[0]).toEqual({ max_connections: '300' });
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);

      await first.stop();
      expect(isRunning(first.pid)).toBe(false);
      expect(serverProcesses(dataDir)).toEqual([]);

      const second = await start(dataDir);
      expect(await query(second.urlOf('orders'), 'SELECT name FROM probe')).toEqual([
        { name: 'Éclair au café' },
      ]);
    },
    TIMEOUT_MS,
  );

  it(
    'refuses a second start on a directory that a running supervisor serves, and leaves that server be',
    async () => {
      const dataDir = path.join(scratch, 'twice', 'data');
      const first = await start(dataDir);
      await expect(start(dataDir)).rejects.toThrow(/supervises/);
      expect(await query(first.urlOf('postgres'), 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    },
    TIMEOUT_MS,
  );

  it(
    'survives a power cut: every process killed after a commit, the next start recovers the commit',
    async () => {
      const dataDir = path.join(scratch, 'power-cut', 'data');
      let reportExit: (exit: [number | null, NodeJS.Signals | null]) => void = () => {};
      const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
        reportExit = resolve;
      });
      const first = await start(dataDir, captureLog().log, {
        onUnexpectedExit: (code, signal) => reportExit([code, signal]),
      });
      await first.ensureDatabases(['orders']);
      await query(first.urlOf('orders'), 'CREATE TABLE probe (name text)');
      await query(first.urlOf('orders'), "INSERT INTO probe VALUES ('committed')");
      const open = new pg.Client(first.urlOf('orders'));
      open.on('error', () => {});
      await open.connect();
      await open.query("BEGIN; INSERT INTO probe VALUES ('never committed')");

      for (const pid of serverProcesses(dataDir)) process.kill(pid, 'SIGKILL');
      expect(await exited).toEqual([null, 'SIGKILL']);
      await waitFor(() => serverProcesses(dataDir).length === 0, 'the killed processes to go');
      await open.end().catch(() => {});

      const logs = captureLog();
      const second = await start(dataDir, logs.log);
      expect(logs.said('removed a stale postmaster.pid')).toBe(true);
      expect(logs.said('automatic recovery in progress')).toBe(true);
      expect(await query(second.urlOf('orders'), 'SELECT name FROM probe')).toEqual([
        { name: 'committed' },
      ]);
    },
    TIMEOUT_MS,
  );

  it(
    'waits for the backends of a killed postmaster to go before starting',
    async () => {
      const dataDir = path.join(scratch, 'leftover', 'data');
      let reportExit: () => void = () => {};
      const exited = new Promise<void>((resolve) => {
        reportExit = resolve;
      });
      const first = await start(dataDir, captureLog().log, {
        onUnexpectedExit: () => reportExit(),
      });
      await query(first.urlOf('postgres'), "CREATE TABLE probe AS SELECT 'kept' AS name");
      const idle = new pg.Client(first.urlOf('postgres'));
      idle.on('error', () => {});
      await idle.connect();
      const [{ backend }] = (
        await idle.query<{ backend: number }>('SELECT pg_backend_pid() AS backend')
      ).rows as [{ backend: number }];
      // Stopped, the backend cannot notice its postmaster's death: it stays attached to the old
      // shared memory until it is let go, once the new start says it is waiting for it.
      process.kill(backend, 'SIGSTOP');
      process.kill(first.pid, 'SIGKILL');
      await exited;

      const logs = captureLog((entry) => {
        if (entry.message.includes('still hold this data directory'))
          process.kill(backend, 'SIGCONT');
      });
      const second = await start(dataDir, logs.log);
      expect(logs.said('still hold this data directory')).toBe(true);
      expect(isRunning(backend)).toBe(false);
      expect(await query(second.urlOf('postgres'), 'SELECT name FROM probe')).toEqual([
        { name: 'kept' },
      ]);
      await idle.end().catch(() => {});
    },
    TIMEOUT_MS,
  );

  it(
    'removes a postmaster.pid whose pid now belongs to another process',
    async () => {
      const dataDir = path.join(scratch, 'reused-pid', 'data');
      await (await start(dataDir)).stop();
      // PostgreSQL itself refuses to start while the recorded pid is alive, whoever it is.
      writeFileSync(path.join(dataDir, 'postmaster.pid'), `1\n${dataDir}\n`);
      const logs = captureLog();
      const server = await start(dataDir, logs.log);
      expect(logs.said('removed a stale postmaster.pid')).toBe(true);
      expect(await query(server.urlOf('postgres'), 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    },
    TIMEOUT_MS,
  );

  it(
    'fails with the server’s last output when its port is taken',
    async () => {
      const dataDir = path.join(scratch, 'port-taken', 'data');
      const holder = net.createServer().listen(0, '127.0.0.1');
      await once(holder, 'listening');
      const { port } = holder.address() as net.AddressInfo;
      try {
        await expect(start(dataDir, captureLog().log, { port })).rejects.toThrow(
          /exited before it was ready[\s\S]*Address already in use/,
        );
        expect(serverProcesses(dataDir)).toEqual([]);
      } finally {
        holder.close();
      }
    },
    TIMEOUT_MS,
  );

  it(
    'chooses another port when the free one it chose is taken before the server binds it',
    async () => {
      const dataDir = path.join(scratch, 'port-race', 'data');
      const holder = net.createServer().listen(0, '127.0.0.1');
      await once(holder, 'listening');
      const taken = holder.address() as net.AddressInfo;
      // The next free port the module asks for is the one held here, as if taken meanwhile.
      jest.mocked(freePort).mockResolvedValueOnce(taken.port);
      try {
        const logs = captureLog();
        const server = await start(dataDir, logs.log);
        expect(logs.said('Address already in use')).toBe(true);
        expect(logs.said('choosing another')).toBe(true);
        expect(server.port).not.toBe(taken.port);
        expect(await query(server.urlOf('postgres'), 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
      } finally {
        holder.close();
      }
    },
    TIMEOUT_MS,
  );

  it(
    'stops the server a killed supervisor left running, and serves the same data',
    async () => {
      const dataDir = path.join(scratch, 'orphan', 'data');
      const { child, answer } = runChild(dataDir, 'serve');
      const { pid, url } = (await answer) as { pid: number; url: string };
      await query(url, 'CREATE TABLE probe AS SELECT $1::text AS name', ['before the parent died']);

      child.kill('SIGKILL');
      await once(child, 'exit');
      expect(isRunning(pid)).toBe(true);

      const logs = captureLog();
      const second = await start(dataDir, logs.log);
      expect(logs.said('whose supervisor was killed')).toBe(true);
      expect(isRunning(pid)).toBe(false);
      expect(second.pid).not.toBe(pid);
      expect(await query(second.urlOf('shop'), 'SELECT name FROM probe')).toEqual([
        { name: 'before the parent died' },
      ]);
    },
    TIMEOUT_MS,
  );

  it(
    isRoot
      ? 'runs the server as the unprivileged user postgres when started by root'
      : 'runs the server as the user who starts it',
    async () => {
      const dataDir = path.join(scratch, 'user', 'data');
      const server = await start(dataDir);
      const expected = isRoot ? accountIds('postgres').uid : process.getuid!();
      expect(uidOf(server.pid)).toBe(expected);
      expect(statSync(path.join(dataDir, 'PG_VERSION')).uid).toBe(expected);
    },
    TIMEOUT_MS,
  );

  // Switching to another user takes root; as a non-root user the test above is this case.
  (isRoot ? it : it.skip)(
    'works when started by a non-root user (nobody), as that user',
    async () => {
      const nobody = accountIds('nobody');
      const home = mkdtempSync(path.join(scratch, 'nobody-'));
      chmodSync(scratch, 0o711);
      chownSync(home, nobody.uid, nobody.gid);
      const { answer } = runChild(path.join(home, 'data'), 'round-trip', nobody);
      expect(await answer).toEqual({
        uid: nobody.uid,
        serverUid: nobody.uid,
        names: ['written by a non-root user'],
      });
    },
    TIMEOUT_MS,
  );
});
