import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { cardDataIn, holdsValue, isCvcName, TEST_CVCS, type CardDataKind } from './card-data';

// Imported by jest's global teardown, where the @shop/* mapping does not apply:
// relative imports and npm packages only.

/** Where card data was found and what kind: never the value itself. */
export interface CardDataFinding {
  where: string;
  kind: CardDataKind | 'value in a CVC column' | 'test CVC as a whole value';
  count: number;
}

export interface CardDataScan {
  findings: CardDataFinding[];
  /** What could not be read (a database dropped or a table truncated meanwhile), and why. */
  skipped: string[];
  databases: number;
  tables: number;
  cells: number;
  logLines: number;
}

export interface CardDataScanOptions {
  /** The server whose databases are scanned: postgresql://user@host:port. */
  serverUrl: string;
  /** Which databases, as a LIKE pattern on their names. */
  databasePattern: string;
  /** Every file under it is read as log lines. */
  logDir?: string;
}

const PARALLEL_DATABASES = 4;
const TEXT_TYPES = new Set(['text', 'character varying', 'character', 'json', 'jsonb']);
const testCvcs = new Set(TEST_CVCS);
/**
 * Errors that mean the thing went away or is busy while being read: another
 * jest run dropping, recreating or truncating its database right now.
 */
const VANISHED = new Set([
  '3D000', // database does not exist
  '3F000', // schema does not exist
  '42P01', // table does not exist
  '55P03', // lock not available (lock_timeout)
  '57P01', // terminated by an administrator (DROP DATABASE … WITH (FORCE))
  '57P03', // cannot connect now
]);

interface Column {
  name: string;
  text: boolean;
}

/** Every table of every matching database, every column cast to text, and the logs. */
export async function scanForCardData(options: CardDataScanOptions): Promise<CardDataScan> {
  const scan: CardDataScan = {
    findings: [],
    skipped: [],
    databases: 0,
    tables: 0,
    cells: 0,
    logLines: 0,
  };
  const databases = await databasesLike(options.serverUrl, options.databasePattern);
  // A few at a time: many workers' databases, each a handful of small tables.
  const next = () => databases.shift();
  const scanner = async () => {
    for (let database = next(); database; database = next()) {
      await scanDatabase(options.serverUrl, database, scan);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_DATABASES }, scanner));
  if (options.logDir) await scanLogDir(options.logDir, scan);
  scan.findings.sort((a, b) => a.where.localeCompare(b.where) || a.kind.localeCompare(b.kind));
  return scan;
}

async function databasesLike(serverUrl: string, pattern: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database
        WHERE datname LIKE $1 AND datallowconn AND NOT datistemplate ORDER BY datname`,
      [pattern],
    );
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

async function scanDatabase(serverUrl: string, database: string, scan: CardDataScan) {
  const client = new pg.Client({
    connectionString: `${serverUrl}/${database}`,
    // A table another run holds locked is skipped (and said so) rather than waited for.
    options: '-c lock_timeout=5000 -c statement_timeout=60000',
  });
  // An idle connection whose database is dropped under it errors here instead of crashing jest.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const tables = await tablesOf(client);
    scan.databases += 1;
    for (const [table, columns] of tables) {
      try {
        await scanTable(client, `${database}: ${table}`, table, columns, scan);
        scan.tables += 1;
      } catch (error) {
        if (!vanished(error)) throw error;
        scan.skipped.push(`${database}: ${table} (${describe(error)})`);
      }
    }
  } catch (error) {
    if (!vanished(error)) throw error;
    scan.skipped.push(`${database} (${describe(error)})`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The base tables of every user schema, by "schema"."table", with their columns. */
async function tablesOf(client: pg.Client): Promise<Map<string, Column[]>> {
  const { rows } = await client.query<{
    table_schema: string;
    table_name: string;
    column_name: string;
    data_type: string;
  }>(
    `SELECT c.table_schema, c.table_name, c.column_name, c.data_type
       FROM information_schema.columns c
       JOIN information_schema.tables t USING (table_schema, table_name)
      WHERE t.table_type = 'BASE TABLE'
        AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
        AND c.table_schema NOT LIKE 'pg\\_%'
      ORDER BY c.table_schema, c.table_name, c.ordinal_position`,
  );
  const tables = new Map<string, Column[]>();
  for (const row of rows) {
    const key = `${quoted(row.table_schema)}.${quoted(row.table_name)}`;
    const columns = tables.get(key) ?? [];
    columns.push({ name: row.column_name, text: TEXT_TYPES.has(row.data_type) });
    tables.set(key, columns);
  }
  return tables;
}

async function scanTable(
  client: pg.Client,
  where: string,
  table: string,
  columns: Column[],
  scan: CardDataScan,
) {
  const list = columns.map((column) => `${quoted(column.name)}::text`).join(', ');
  const { rows } = await client.query<(string | null)[]>({
    text: `SELECT ${list} FROM ${table}`,
    rowMode: 'array',
  });
  const counts = new Map<string, CardDataFinding>();
  const count = (column: string, kind: CardDataFinding['kind']) => {
    const key = `${column}\u0000${kind}`;
    const finding = counts.get(key) ?? { where: `${where}.${quoted(column)}`, kind, count: 0 };
    finding.count += 1;
    counts.set(key, finding);
  };
  for (const row of rows) {
    row.forEach((value, index) => {
      if (value === null) return;
      const column = columns[index]!;
      scan.cells += 1;
      if (isCvcName(column.name) && holdsValue(value)) count(column.name, 'value in a CVC column');
      for (const kind of cardDataIn(value)) count(column.name, kind);
      // Only alone is "123" suspicious: as part of a longer text it is anything.
      if (column.text && testCvcs.has(value.trim())) {
        count(column.name, 'test CVC as a whole value');
      }
    });
  }
  scan.findings.push(...counts.values());
}

/** Every file under the directory, line by line. */
async function scanLogDir(dir: string, scan: CardDataScan) {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries.filter((candidate) => candidate.isFile())) {
    const file = path.join(entry.parentPath, entry.name);
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines.forEach((line, index) => {
      scan.logLines += 1;
      for (const kind of cardDataIn(line)) {
        scan.findings.push({ where: `${file}:${index + 1}`, kind, count: 1 });
      }
    });
  }
}

function vanished(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  if (code && VANISHED.has(code)) return true;
  // The server closed the connection: the database was dropped with FORCE.
  return /Connection terminated|ECONNRESET/.test(message ?? '');
}

function describe(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  return code ?? message ?? String(error);
}

function quoted(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
