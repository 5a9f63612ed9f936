import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { freePort } from '@shop/platform';

/** A GraphQL endpoint on 127.0.0.1 nothing listens on: a sibling subgraph that is down. */
export async function unreachableGraphqlUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/graphql`;
}

/** How a relay treats connections. */
export type RelayMode = 'forward' | 'refuse' | 'blackhole';

/**
 * A TCP relay on 127.0.0.1 in front of a server, so a test can really take
 * the server away from its clients: `refuse` closes the port and every
 * connection (a process that died), `blackhole` accepts connections and
 * never answers (a process that hangs), `forward` passes bytes both ways.
 */
export class TcpRelay {
  private mode: RelayMode = 'forward';
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  port = 0;

  /**
   * `targetPort` may be set after the relay listens: a service started on a
   * port of the system's choice (0) is known only once it listens, and a port
   * chosen beforehand (freePort) can be taken by another process meanwhile.
   */
  constructor(
    public targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  /** Starts relaying on a port of its own (the system's choice unless `port` was set). */
  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async switchTo(mode: RelayMode): Promise<void> {
    const wasListening = this.mode !== 'refuse';
    this.mode = mode;
    // Connections of the previous mode end: kept-alive sockets must not carry on.
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (mode === 'refuse' && wasListening) {
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    } else if (mode !== 'refuse' && !wasListening) {
      await this.listen();
    }
  }

  async close(): Promise<void> {
    await this.switchTo('refuse');
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.mode === 'blackhole') return;
    const upstream = this.track(connect(this.targetPort, this.targetHost));
    client.pipe(upstream).pipe(client);
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }
}
