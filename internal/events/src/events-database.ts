import path from 'node:path';
import {
  applyMigrations,
  parseDatabaseUrl,
  withSchema,
  type DatabaseLocation,
  type MigrationLog,
} from '@shop/database';

/** The schema of the event tables when EVENTS_DATABASE_URL names none. */
export const DEFAULT_EVENTS_SCHEMA = 'events';

const MIGRATIONS_DIR = path.join(__dirname, '..', 'migrations');

export interface EventsDatabase extends DatabaseLocation {
  /** The URL with its schema spelled out, as the migrator takes it. */
  url: string;
}

/** Where the PostgreSQL transport keeps its tables: `?schema=` of the URL, or `events`. */
export function eventsDatabase(databaseUrl: string): EventsDatabase {
  const url = new URL(databaseUrl).searchParams.has('schema')
    ? databaseUrl
    : withSchema(databaseUrl, DEFAULT_EVENTS_SCHEMA);
  return { url, ...parseDatabaseUrl(url) };
}

/**
 * Creates or updates the event tables. The bus runs it on first use; under
 * the migrator's advisory lock, processes starting together apply it once.
 */
export async function migrateEventStreams(databaseUrl: string, log: MigrationLog): Promise<void> {
  await applyMigrations(eventsDatabase(databaseUrl).url, MIGRATIONS_DIR, log);
}
