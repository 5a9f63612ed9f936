import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import cors from 'cors';
import type { Logger } from 'pino';
import { sendGraphQLError } from './respond';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface HttpServerOptions {
  routes: Record<string, RouteHandler>;
  /** Origins allowed to call from a browser; empty admits none. */
  corsOrigins?: string[];
  /** Answers every path no route names (a single-page app's files and client routes). */
  fallback?: RouteHandler;
  log: Logger;
}

/** A node:http server that dispatches on the path, with CORS from an allow-list. */
export function createHttpServer(options: HttpServerOptions): Server {
  const allowed = new Set(options.corsOrigins ?? []);
  const corsMiddleware = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    credentials: true,
    maxAge: 600,
  });

  return createServer((req, res) => {
    corsMiddleware(req, res, () => {
      const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
      const handler = options.routes[path] ?? options.fallback;
      if (!handler) {
        sendGraphQLError(res, 404, `No route for ${path}`, 'NOT_FOUND');
        return;
      }
      Promise.resolve(handler(req, res)).catch((error: unknown) => {
        options.log.error({ err: error, path }, 'request handler failed');
        if (!res.headersSent)
          sendGraphQLError(res, 500, 'Internal server error', 'INTERNAL_SERVER_ERROR');
        else res.end();
      });
    });
  });
}

/** Listens and resolves with the bound port (0 picks a free one). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting connections and closes idle keep-alive sockets. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}
