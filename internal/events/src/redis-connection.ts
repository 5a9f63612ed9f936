import Redis, { type RedisOptions } from 'ioredis';
import { displayedUrl, type Logger } from '@shop/platform';

/** The first reconnection after 0.1 s, each next one twice as late, up to 10 s. */
export function redisRetryDelay(attempt: number): number {
  return Math.min(100 * 2 ** Math.max(0, attempt - 1), 10_000);
}

/** Per REDIS_URL, whether this process has reported it away and not yet back. */
const away = new Set<string>();

/**
 * A connection to REDIS_URL. Redis being away is said once per process —
 * which variable points where, what failed, and what works without it — and
 * its return once; meanwhile ioredis reconnects with a growing pause.
 * Without an error listener ioredis prints every failed attempt itself
 * (124 "[ioredis] Unhandled error event" stack traces in 45 s, seen here).
 */
export function connectRedis(
  url: string,
  log: Logger,
  options: RedisOptions & { purpose: string },
): Redis {
  const { purpose, ...redisOptions } = options;
  const connection = new Redis(url, { retryStrategy: redisRetryDelay, ...redisOptions });
  connection.on('error', (error: Error) => {
    if (away.has(url)) {
      log.debug({ purpose, err: error.message }, 'Redis still does not answer');
      return;
    }
    away.add(url);
    log.error(
      { variable: 'REDIS_URL', url: displayedUrl(url), purpose, err: error.message },
      `REDIS_URL (${displayedUrl(url)}) does not answer: ${error.message}. ` +
        'Domain events wait in the outboxes, live updates pause, caches and rate limits ' +
        'keep to this process; reconnecting with backoff',
    );
  });
  connection.on('ready', () => {
    if (!away.delete(url)) return;
    log.info({ variable: 'REDIS_URL', url: displayedUrl(url), purpose }, 'Redis answers again');
  });
  return connection;
}

/**
 * A connection whose commands never wait for Redis, for what must not stall
 * a request (caches, rate limits): with Redis away a command fails at once
 * (no offline queue) or after `commandTimeoutMs`, and the caller falls back.
 * Opened before the caller serves when Redis answers; when it does not, the
 * caller starts anyway and ioredis keeps trying.
 */
export async function connectFailFastRedis(
  url: string,
  log: Logger,
  purpose: string,
  commandTimeoutMs: number,
): Promise<Redis> {
  const connection = connectRedis(url, log, {
    purpose,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
  });
  // A failure is reported by the connection itself, once per outage.
  await connection.connect().catch(() => undefined);
  return connection;
}

/**
 * Closes a connection without waiting for Redis: quit() waits for its
 * answer (for ever, while Redis is away: a stop hung on it), so only an open
 * connection quits; any other just ends.
 */
export async function closeRedis(connection: Redis): Promise<void> {
  if (connection.status === 'ready') await connection.quit().catch(() => connection.disconnect());
  else connection.disconnect();
}
