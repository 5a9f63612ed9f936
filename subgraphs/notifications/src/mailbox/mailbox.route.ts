import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { sendGraphQLError, type RouteHandler } from '@shop/platform';
import { escapeHtml } from '../templates/html';
import { MAILBOX_FILE } from '../delivery/mailbox-channel';

/** The newest messages the listing shows. */
const LISTING_LIMIT = 200;

/**
 * GET /mailbox: the local mailbox, read-only, for a person to read what
 * would have been sent: a listing, newest first, and each message as its
 * raw .eml text (GET /mailbox?message=<file>). Served only when e-mail goes
 * to the mailbox (no SMTP_URL), on this subgraph's port, which the embedded
 * stack binds to 127.0.0.1.
 */
export function mailboxRoute(dir: string): RouteHandler {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      sendGraphQLError(res, 405, `${req.method} is not served here`, 'METHOD_NOT_ALLOWED');
      return;
    }
    const name = new URL(req.url ?? '/', 'http://mailbox').searchParams.get('message');
    const common = {
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      // The messages are someone's mail: nothing in them may run or load.
      'content-security-policy': "default-src 'none'",
    };
    if (name !== null) {
      if (!MAILBOX_FILE.test(name)) {
        sendGraphQLError(res, 404, 'No such message', 'NOT_FOUND');
        return;
      }
      const body = await readFile(path.join(dir, name)).catch(() => undefined);
      if (!body) {
        sendGraphQLError(res, 404, 'No such message', 'NOT_FOUND');
        return;
      }
      res.writeHead(200, { ...common, 'content-type': 'text/plain; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const files = (await readdir(dir).catch(() => [] as string[])).filter((file) =>
      MAILBOX_FILE.test(file),
    );
    const dated = await Promise.all(
      files.map(async (file) => ({ file, at: (await stat(path.join(dir, file))).mtime })),
    );
    dated.sort((a, b) => b.at.getTime() - a.at.getTime());
    const items = dated
      .slice(0, LISTING_LIMIT)
      .map(
        ({ file, at }) =>
          `<li><a href="/mailbox?message=${file}">${at.toISOString()} ${escapeHtml(file)}</a></li>`,
      )
      .join('\n');
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mailbox</title></head>
<body><h1>Mailbox</h1><p>${files.length} message(s) that would have been e-mailed (no SMTP_URL), newest first.</p>
<ul>
${items}
</ul></body></html>
`;
    res.writeHead(200, { ...common, 'content-type': 'text/html; charset=utf-8' });
    res.end(req.method === 'HEAD' ? undefined : html);
  };
}
