import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from '@shop/platform';

/**
 * A backend session of the server, as pg_stat_activity names it. `started`
 * is kept as PostgreSQL's own text: a JavaScript Date would drop its
 * microseconds, and the session would no longer match itself.
 */
export interface Session {
  pid: number;
  started: string;
}

/**
 * The LISTEN/NOTIFY channel of a key of any length. Channels are
 * identifiers of at most 63 bytes, so the key is hashed; where a collision
 * would matter, the message carries the key itself.
 */
export function notifyChannel(kind: string, key: string): string {
  return `shop_${kind}_${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 5_000;

interface Connection {
  client: pg.Client;
  session: Session;
}

/**
 * One dedicated connection that LISTENs to a changing set of channels. It
 * opens on first use. When it is lost it reconnects with a growing backoff,
 * LISTENs to every channel again and calls `reconnected`: what was notified
 * in between is gone, so listeners that must not miss anything re-read.
 */
export class PgListener {
  private readonly channels = new Set<string>();
  private connecting: Promise<Connection> | undefined;
  /** The connection once it is open and listening. */
  private current: Connection | undefined;
  private closed = false;
  private readonly closing = new AbortController();
  /**
   * Statements on the connection, one after another: pg queues concurrent
   * ones itself but warns that it will stop (pg@9), and several consumers
   * LISTEN at once.
   */
  private statements: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly connectionString: string,
    private readonly log: Logger,
    private readonly hooks: {
      notification(channel: string, payload: string): void;
      reconnected?(): void;
    },
  ) {}

  /** The connection's session, connecting first when needed. */
  async session(): Promise<Session> {
    return (await this.connection()).session;
  }

  /** Resolves once the connection LISTENs to the channel. */
  async listen(channel: string): Promise<void> {
    this.channels.add(channel);
    const { client } = await this.connection();
    // An unlisten while this waited for the connection wins.
    if (this.channels.has(channel)) await this.run(client, `LISTEN "${channel}"`);
  }

  async unlisten(channel: string): Promise<void> {
    this.channels.delete(channel);
    // Not open: the next connection LISTENs only to the channels left.
    if (this.current) await this.run(this.current.client, `UNLISTEN "${channel}"`);
  }

  /** The channels the server has this connection listening to. */
  async listening(): Promise<string[]> {
    if (!this.current) return [];
    const { rows } = await this.run<{ channel: string }>(
      this.current.client,
      'SELECT pg_listening_channels() AS channel',
    );
    return rows.map((row) => row.channel);
  }

  private run<Row extends pg.QueryResultRow = pg.QueryResultRow>(
    client: pg.Client,
    sql: string,
  ): Promise<pg.QueryResult<Row>> {
    const result = this.statements.then(() => client.query<Row>(sql));
    this.statements = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    const connecting = this.connecting;
    this.connecting = undefined;
    this.current = undefined;
    const connection = await connecting?.catch(() => undefined);
    await connection?.client.end().catch(() => undefined);
  }

  private connection(): Promise<Connection> {
    if (this.closed) return Promise.reject(new Error('The listening connection is closed'));
    this.connecting ??= this.open().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private async open(): Promise<Connection> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: 'shop-events-listener',
    });
    client.on('notification', (message) =>
      this.hooks.notification(message.channel, message.payload ?? ''),
    );
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      const { rows } = await client.query<Session>(
        `SELECT pid, backend_start::text AS started FROM pg_stat_activity WHERE pid = pg_backend_pid()`,
      );
      const channels = [...this.channels];
      if (channels.length > 0) {
        await client.query(channels.map((channel) => `LISTEN "${channel}"`).join('; '));
      }
      if (this.closed) throw new Error('The listening connection is closed');
      this.current = { client, session: rows[0]! };
      return this.current;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  private lost(client: pg.Client, error?: Error): void {
    if (this.current?.client !== client) return;
    this.current = undefined;
    this.connecting = undefined;
    void client.end().catch(() => undefined);
    this.log.warn({ err: error }, 'events listening connection lost; reconnecting');
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    for (let delay = RECONNECT_FIRST_MS; ; delay = Math.min(delay * 2, RECONNECT_MAX_MS)) {
      try {
        await sleep(delay, undefined, { signal: this.closing.signal });
      } catch {
        return; // closed
      }
      try {
        await this.connection();
        this.hooks.reconnected?.();
        return;
      } catch (error) {
        if (this.closed) return;
        this.log.warn({ err: error }, 'events listening connection failed; retrying');
      }
    }
  }
}
