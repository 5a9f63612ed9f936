import path from 'node:path';
import { startEmbeddedPostgres, withSchema, type EmbeddedPostgres } from '@shop/database';
import type { Logger } from '@shop/platform';
import type { StackConfig } from '../config';

/** The database URLs the embedded server gives the services that have none configured. */
export interface StackDatabase {
  /** DATABASE_URL_<NAME> and EVENTS_DATABASE_URL for the services, as environment variables. */
  env: Record<string, string>;
  stop(): Promise<void>;
  /**
   * Asks the server for a fast shutdown without waiting for it, as the
   * supervisor exits at once (a second Ctrl-C): the services stop on their
   * own when their supervisor is gone; the server would run on.
   */
  abandon(): void;
}

/** The events transport's schema in its database: a stream table, consumer groups, LISTEN/NOTIFY. */
const EVENTS_DATABASE = 'shop_events';

/**
 * The embedded PostgreSQL server, when some service has no database of its
 * own configured: a database per subgraph (`shop_<name>`, its tables in the
 * schema named after it), as in production, and one for the event streams
 * when neither Redis nor another events database is configured. A server
 * that dies is started again on the same port and data (its WAL recovers
 * it); meanwhile the services' pools retry. Undefined when every service is
 * configured.
 */
export async function startStackDatabase(
  config: StackConfig,
  log: Logger,
  /** Where the server's own lines go, under its name. */
  dbLog: Logger,
): Promise<StackDatabase | undefined> {
  const missing = config.subgraphs.filter((subgraph) => !subgraph.databaseUrl);
  const needsEvents = !config.events.redisUrl && !config.events.eventsDatabaseUrl;
  if (missing.length === 0 && !needsEvents) return undefined;

  const databases = [
    ...missing.map((subgraph) => `shop_${subgraph.name}`),
    ...(needsEvents ? [EVENTS_DATABASE] : []),
  ];
  const dataDir = path.join(config.dataDir, 'postgres');
  let stopping = false;
  let server: EmbeddedPostgres;
  const start = async (port: number): Promise<EmbeddedPostgres> => {
    const started = await startEmbeddedPostgres({
      dataDir,
      port,
      log: dbLog,
      onUnexpectedExit: (code, signal) => {
        if (stopping) return;
        dbLog.error({ code, signal }, 'the embedded PostgreSQL server exited; starting it again');
        start(port).then(
          (again) => {
            server = again;
          },
          (error: unknown) => dbLog.fatal({ err: error }, 'the embedded PostgreSQL server is down'),
        );
      },
    });
    await started.ensureDatabases(databases);
    return started;
  };
  server = await start(config.embeddedDbPort);
  log.info({ port: server.port, dataDir, databases }, 'embedded PostgreSQL ready');

  const env: Record<string, string> = {};
  for (const subgraph of missing) {
    const variable = `DATABASE_URL_${subgraph.name.toUpperCase()}`;
    env[variable] = withSchema(server.urlOf(`shop_${subgraph.name}`), subgraph.name);
  }
  if (needsEvents) env.EVENTS_DATABASE_URL = withSchema(server.urlOf(EVENTS_DATABASE), 'events');
  return {
    env,
    async stop() {
      stopping = true;
      await server.stop();
    },
    abandon() {
      stopping = true;
      try {
        process.kill(server.pid, 'SIGINT');
      } catch {
        // gone already
      }
    },
  };
}
