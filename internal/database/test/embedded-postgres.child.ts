/**
 * A supervisor in a process of its own, for the tests that need it to die while its server
 * lives (an orphan) or to run as another user: `node embedded-postgres.child.js <dataDir> <mode>`.
 * It answers with one JSON line on stdout; its log goes to stderr.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgresLog } from '../src/embedded-postgres';

const [dataDir, mode] = process.argv.slice(2) as [string, 'serve' | 'round-trip'];

const logLine =
  (level: string) =>
  (fields: object, message: string): void => {
    process.stderr.write(`${JSON.stringify({ level, ...fields, message })}\n`);
  };
const log: EmbeddedPostgresLog = {
  info: logLine('info'),
  warn: logLine('warn'),
  error: logLine('error'),
};

function answer(result: object): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function uidOf(pid: number): number {
  return Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

/** Stays up after answering: the test kills this process, not its server. */
async function serve(): Promise<void> {
  const server = await startEmbeddedPostgres({ dataDir, log });
  await server.ensureDatabases(['shop']);
  answer({ port: server.port, pid: server.pid, url: server.urlOf('shop') });
}

async function roundTrip(): Promise<void> {
  const server = await startEmbeddedPostgres({ dataDir, log });
  try {
    await server.ensureDatabases(['shop']);
    const client = new pg.Client(server.urlOf('shop'));
    await client.connect();
    await client.query('CREATE TABLE IF NOT EXISTS probe (name text PRIMARY KEY)');
    await client.query("INSERT INTO probe VALUES ('written by a non-root user')");
    const { rows } = await client.query<{ name: string }>('SELECT name FROM probe');
    await client.end();
    answer({
      uid: process.getuid?.(),
      serverUid: uidOf(server.pid),
      names: rows.map((r) => r.name),
    });
  } finally {
    await server.stop();
  }
}

(mode === 'serve' ? serve() : roundTrip()).catch((error: unknown) => {
  process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
  process.exit(1);
});
