import { request, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { close, createHttpServer, createLogger, listen } from '@shop/platform';
import { storefrontRoutes } from './storefront';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request: fetch would normalise the "../" this test needs to send as is. */
function send(port: number, rawPath: string, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the storefront and GraphiQL served by the router', () => {
  const log = createLogger('storefront-test', 'silent');
  let workspace: string;
  let dist: string;
  const servers: Server[] = [];

  /** A server with the storefront routes of these settings, as the router mounts them. */
  async function serve(settings: { dir: string; graphiql: boolean }): Promise<number> {
    const storefront = await storefrontRoutes(settings, log);
    const server = createHttpServer({
      routes: storefront.routes,
      fallback: storefront.fallback,
      log,
    });
    servers.push(server);
    return listen(server, 0, '127.0.0.1');
  }

  beforeAll(() => {
    workspace = mkdtempSync(path.join(tmpdir(), 'storefront-test-'));
    dist = path.join(workspace, 'dist');
    mkdirSync(path.join(dist, 'assets'), { recursive: true });
    writeFileSync(path.join(workspace, 'secret.txt'), 'outside the build');
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>shell</title>');
    writeFileSync(path.join(dist, 'graphiql.html'), '<!doctype html><title>explorer</title>');
    writeFileSync(path.join(dist, 'assets', 'storefront-Ab12.js'), 'console.log(1)');
    writeFileSync(path.join(dist, 'assets', 'storefront-Cd34.css'), 'body{}');
    writeFileSync(path.join(dist, '.source-hash'), 'abc');
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => close(server)));
    rmSync(workspace, { recursive: true, force: true });
  });

  it('serves the shell at / and hashed assets with their types and caching', async () => {
    const port = await serve({ dir: dist, graphiql: true });
    const shell = await send(port, '/');
    expect(shell).toMatchObject({ status: 200, body: '<!doctype html><title>shell</title>' });
    expect(shell.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(shell.headers['cache-control']).toBe('no-cache');

    const script = await send(port, '/assets/storefront-Ab12.js');
    expect(script).toMatchObject({ status: 200, body: 'console.log(1)' });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toContain('immutable');
    expect(script.headers['x-content-type-options']).toBe('nosniff');
    expect((await send(port, '/assets/storefront-Cd34.css')).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );

    const head = await send(port, '/assets/storefront-Ab12.js', 'HEAD');
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers['content-length']).toBe(String('console.log(1)'.length));
    const post = await send(port, '/', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('answers client routes with the shell and a missing file with 404', async () => {
    const port = await serve({ dir: dist, graphiql: true });
    for (const route of ['/products/42', '/orders/abc?x=1', '/search']) {
      expect(await send(port, route)).toMatchObject({
        status: 200,
        body: '<!doctype html><title>shell</title>',
      });
    }
    const missing = await send(port, '/assets/storefront-gone.js');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await send(port, '/.source-hash')).status).toBe(404);
  });

  it('never serves a file outside the build, however the path is spelled', async () => {
    const port = await serve({ dir: dist, graphiql: true });
    for (const attempt of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
    ]) {
      const answer = await send(port, attempt);
      expect(answer.body).not.toContain('outside the build');
      expect(answer.status).toBe(404);
    }
    expect((await send(port, '/%E0%A4%A')).status).toBe(400);
  });

  it('serves GraphiQL at /graphiql only while enabled, never by its file name', async () => {
    const enabled = await serve({ dir: dist, graphiql: true });
    expect(await send(enabled, '/graphiql')).toMatchObject({
      status: 200,
      body: '<!doctype html><title>explorer</title>',
    });
    expect((await send(enabled, '/graphiql.html')).status).toBe(404);

    const disabled = await serve({ dir: dist, graphiql: false });
    const refused = await send(disabled, '/graphiql');
    expect(refused.status).toBe(404);
    expect(refused.body).not.toContain('explorer');
    expect((await send(disabled, '/')).status).toBe(200);
  });

  it('serves nothing at / when the storefront is not built', async () => {
    const port = await serve({ dir: path.join(workspace, 'not-built'), graphiql: true });
    expect((await send(port, '/')).status).toBe(404);
    expect((await send(port, '/graphiql')).status).toBe(404);
  });
});
