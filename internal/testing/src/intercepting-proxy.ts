import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One GraphQL request that passed through the proxy. */
export interface ProxiedCall {
  query: string;
  variables: Record<string, unknown>;
}

/**
 * What the proxy does with a call: pass it on; keep the request (the callee
 * has not heard of it, until the test releases it); forward it and keep
 * the answer (the callee acted, the caller has not learnt it did, until the
 * test releases it); or refuse it with a 503, as a callee that is down. A
 * call never released stays held until the proxy closes.
 */
export type Interception = 'forward' | 'hold-request' | 'hold-response' | 'refuse';

export interface HeldCall extends ProxiedCall {
  held: 'hold-request' | 'hold-response';
  /** The callee's answer, for a held response. */
  response?: unknown;
  /** Lets the call go on: a held request on to the callee, a held response back to the caller. */
  release(): void;
}

export interface InterceptingProxy {
  /** Where callers send GraphQL: the proxy's own address. */
  url: string;
  /** Sends what arrives from now on to this endpoint's origin (until then: 502). */
  retarget(url: string): void;
  /** Decides, for every call from now on, what happens to it. */
  intercept(rule: (call: ProxiedCall) => Interception): void;
  /** The first held call the predicate accepts, once there is one. */
  held(predicate: (call: HeldCall) => boolean, timeoutMs?: number): Promise<HeldCall>;
  close(): Promise<void>;
}

/**
 * An HTTP proxy for GraphQL POSTs that can hold a request or its answer, so
 * a test can stop a process at an exact point between two services: what a
 * network partition or a crash at that moment would leave behind, or a call
 * still on its way while the test does something else. Nothing is faked: a
 * released call reaches the real callee, only later.
 */
export async function startInterceptingProxy(target?: string): Promise<InterceptingProxy> {
  let upstream = target;
  let rule: (call: ProxiedCall) => Interception = () => 'forward';
  const heldCalls: HeldCall[] = [];
  const waiters = new Set<() => void>();
  /** Settles when the test releases the call. */
  const hold = (call: Omit<HeldCall, 'release'>) =>
    new Promise<void>((resolve) => {
      const held: HeldCall = {
        ...call,
        release() {
          const at = heldCalls.indexOf(held);
          if (at === -1) return;
          heldCalls.splice(at, 1);
          resolve();
        },
      };
      heldCalls.push(held);
      for (const wake of waiters) wake();
    });

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: `proxy: ${String(error)}` }] }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    const call = parseCall(body);
    const interception = call ? rule(call) : 'forward';
    if (interception === 'refuse') {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'proxy: refused (the callee is down)' }] }));
      return;
    }
    if (call && interception === 'hold-request') await hold({ ...call, held: interception });
    if (!upstream) throw new Error('no upstream yet');
    // The same path on the upstream's origin: /graphql, and /health for the router's checks.
    const answer = await fetch(new URL(req.url ?? '/', upstream), {
      method: req.method,
      headers: forwardedHeaders(req),
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
    });
    const text = await answer.text();
    if (call && interception === 'hold-response') {
      await hold({ ...call, held: interception, response: parseJson(text) });
    }
    res.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
    });
    res.end(text);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/graphql`,
    retarget(url) {
      upstream = url;
    },
    intercept(next) {
      rule = next;
    },
    held(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = heldCalls.find(predicate);
          if (!found) return;
          done();
          resolve(found);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error('no such call was held'));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      // Held calls never end by themselves.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function parseCall(body: string): ProxiedCall | undefined {
  const parsed = parseJson(body) as Partial<ProxiedCall> | string;
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.query !== 'string') {
    return undefined;
  }
  return { query: parsed.query, variables: parsed.variables ?? {} };
}

/** The caller's headers but those that describe the hop (host, length, connection). */
function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (['host', 'content-length', 'connection', 'transfer-encoding'].includes(name)) continue;
    if (typeof value === 'string') headers[name] = value;
    else if (Array.isArray(value)) headers[name] = value.join(', ');
  }
  return headers;
}
