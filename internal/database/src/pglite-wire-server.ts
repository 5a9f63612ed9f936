import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const QUERY = 0x51; // 'Q': a simple query is a batch of its own
const SYNC = 0x53; // 'S': ends an extended-protocol batch (Parse, Bind, Execute, ...)
const FLUSH = 0x48; // 'H': the client waits for what it sent so far
const TERMINATE = 0x58; // 'X'

/** How much of PGlite's one session the connections used, since the server started. */
export interface SessionUse {
  /** Seconds PGlite spent running batches. */
  workSeconds: number;
  /**
   * Seconds the session was taken: a batch running, or a transaction open
   * between its batches, when every other connection waits. Growing at one
   * second per second, the session is the bottleneck.
   */
  takenSeconds: number;
  batches: number;
  transactions: number;
}

interface Batch {
  connection: number;
  bytes: Uint8Array;
  done: (response: Uint8Array | undefined) => void;
}

/**
 * Serves one PGlite database over the Postgres wire protocol to many client
 * connections. PGlite has a single session, so connections take turns; the
 * unit of a turn is a whole batch (a simple query, or extended-protocol
 * messages up to Sync), never a single message: pglite-socket's server
 * interleaves single messages of different connections, which lets one
 * connection's Bind meet another's Parse (seen here as parameters bound to
 * the wrong statement, and as stalls). While a connection has a transaction
 * open, only its batches run, until it commits or rolls back.
 */
export class PGliteWireServer {
  private readonly server: Server;
  private readonly queue: Batch[] = [];
  private readonly sockets = new Set<Socket>();
  private running = false;
  /** The connection whose transaction is open, if any. */
  private owner: number | null = null;
  private nextConnection = 1;
  private readonly use: SessionUse = {
    workSeconds: 0,
    takenSeconds: 0,
    batches: 0,
    transactions: 0,
  };
  /** When the session was last taken (performance.now()). */
  private takenAt = 0;

  constructor(private readonly db: PGlite) {
    this.server = createServer((socket) => this.accept(socket));
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  sessionUse(): SessionUse {
    return { ...this.use };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const connection = this.nextConnection++;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let buffer: Buffer = Buffer.alloc(0);
    let started = false;
    let pending: Buffer[] = [];

    const submit = (bytes: Uint8Array): void => {
      this.queue.push({
        connection,
        bytes,
        done: (response) => {
          if (response && response.length > 0 && !socket.destroyed) socket.write(response);
        },
      });
      void this.drain();
    };

    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          const message = buffer.subarray(0, length);
          buffer = buffer.subarray(length);
          if (code === SSL_REQUEST) socket.write('N');
          else if (code !== CANCEL_REQUEST) {
            // PGlite has no backend to cancel; anything else is the startup message.
            started = true;
            submit(Buffer.from(message));
          }
          continue;
        }
        if (buffer.length < 5) return;
        const length = buffer.readInt32BE(1) + 1;
        if (buffer.length < length) return;
        const message = Buffer.from(buffer.subarray(0, length));
        buffer = buffer.subarray(length);
        const type = message[0];
        if (type === TERMINATE) {
          socket.end();
          return;
        }
        pending.push(message);
        if (type === QUERY || type === SYNC || type === FLUSH) {
          submit(Buffer.concat(pending));
          pending = [];
        }
      }
    });

    const forget = (): void => {
      if (!this.sockets.delete(socket)) return;
      for (let index = this.queue.length - 1; index >= 0; index--) {
        if (this.queue[index]!.connection === connection) this.queue.splice(index, 1);
      }
      if (this.owner === connection) {
        // The client left inside a transaction: end it, or every other connection waits forever.
        this.queue.unshift({ connection, bytes: simpleQuery('ROLLBACK'), done: () => undefined });
        void this.drain();
      }
    };
    socket.on('close', forget);
    socket.on('error', forget);
  }

  private account(startedAt: number, endedAt: number, wasOwned: boolean): void {
    this.use.batches++;
    this.use.workSeconds += (endedAt - startedAt) / 1000;
    if (!wasOwned && this.owner !== null) this.use.transactions++;
    if (this.owner === null) this.use.takenSeconds += (endedAt - this.takenAt) / 1000;
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const index =
          this.owner === null
            ? 0
            : this.queue.findIndex((batch) => batch.connection === this.owner);
        if (index === -1) return; // the transaction's owner has not sent its next batch yet
        const [batch] = this.queue.splice(index, 1);
        let response: Uint8Array | undefined;
        const startedAt = performance.now();
        if (this.owner === null) this.takenAt = startedAt;
        try {
          response = await this.db.execProtocolRaw(batch!.bytes);
        } finally {
          const endedAt = performance.now();
          const wasOwned = this.owner !== null;
          this.owner = this.db.isInTransaction() ? batch!.connection : null;
          this.account(startedAt, endedAt, wasOwned);
          batch!.done(response);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`);
  const message = Buffer.alloc(5 + text.length);
  message[0] = QUERY;
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
}
