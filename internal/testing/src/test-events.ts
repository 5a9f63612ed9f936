import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  eventsDatabase,
  migrateEventStreams,
  PostgresLivePubSub,
  type LivePubSubOptions,
} from '@shop/events';
import { createLogger, type Logger } from '@shop/platform';
import { createDatabaseIfMissing, testDatabaseUrl } from './test-server';
const quiet = createLogger('test-events', 'silent');

export interface TestEventsSettings {
  /** The jest worker's events database (EVENTS_DATABASE_URL). */
  eventsDatabaseUrl: string;
  /** Prefixes this test's streams and channels, so no other test reads them (EVENT_STREAM_PREFIX). */
  streamPrefix: string;
}

/**
 * The jest worker's events database on the machine's PostgreSQL
 * (`shop_test_events_w<worker>`, named as testDatabaseUrl names the
 * subgraphs', so apart per TEST_RUN_ID). It exists once
 * prepareTestEventsDatabase has resolved.
 */
export function testEventsDatabaseUrl(): string {
  return testDatabaseUrl('events');
}

let prepared: Promise<string> | undefined;

/** Creates (if needed) and migrates the worker's events database, once per test file. */
export function prepareTestEventsDatabase(): Promise<string> {
  prepared ??= prepareEventsDatabase();
  return prepared;
}

/**
 * The PostgreSQL event transport for one test: the worker's events
 * database, prepared, and a namespace of its own on every call. Settings of
 * this shape spread into a subgraph's settings give it this transport.
 */
export async function testEventsSettings(): Promise<TestEventsSettings> {
  return {
    eventsDatabaseUrl: await prepareTestEventsDatabase(),
    streamPrefix: `test-${randomUUID()}:`,
  };
}

/** A PostgreSQL live pub/sub in a namespace of its own. */
export async function testLivePubSub(
  options: LivePubSubOptions = {},
  log: Logger = quiet,
): Promise<PostgresLivePubSub> {
  const { eventsDatabaseUrl, streamPrefix } = await testEventsSettings();
  return new PostgresLivePubSub(eventsDatabaseUrl, log, streamPrefix, options);
}

async function prepareEventsDatabase(): Promise<string> {
  const url = testEventsDatabaseUrl();
  await createDatabaseIfMissing(url);
  await migrateEventStreams(url, quiet);
  await forgetEarlierRuns(url);
  return url;
}

/**
 * Removes what runs before this one left. This run's events stay: the
 * global teardown scans them for card data like every test database.
 */
async function forgetEarlierRuns(url: string): Promise<void> {
  const { connectionString, schema } = eventsDatabase(url);
  const client = new pg.Client({ connectionString, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query(`
      DELETE FROM event_entry WHERE added_at < now() - interval '1 day';
      DELETE FROM event_stream s WHERE NOT EXISTS (SELECT FROM event_entry e WHERE e.stream = s.stream);
      DELETE FROM event_group g WHERE NOT EXISTS (SELECT FROM event_stream s WHERE s.stream = g.stream);
      DELETE FROM event_pending p WHERE NOT EXISTS (SELECT FROM event_stream s WHERE s.stream = p.stream);`);
  } finally {
    await client.end();
  }
}
