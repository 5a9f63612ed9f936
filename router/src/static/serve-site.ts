import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendGraphQLError, type RouteHandler } from '@shop/platform';
import type { SiteFile } from './site-files';

/** Writes one in-memory file (GET and HEAD only). */
export function sendFile(req: IncomingMessage, res: ServerResponse, file: SiteFile): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    sendGraphQLError(res, 405, `${req.method} is not served here`, 'METHOD_NOT_ALLOWED');
    return;
  }
  res.writeHead(200, {
    'content-type': file.contentType,
    'content-length': file.body.length,
    'cache-control': file.cacheControl,
    'x-content-type-options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : file.body);
}

/** The URL path of a request, percent-decoded; undefined when it cannot be decoded. */
function decodedPath(req: IncomingMessage): string | undefined {
  const raw = (req.url ?? '/').split('?', 1)[0] ?? '/';
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

export interface SiteOptions {
  /** The page answered for client routes: paths with no file extension that name no file. */
  appShell: string;
  /** Files served only through their own route (and its checks), never by their path. */
  hidden: string[];
}

/**
 * A single-page app: its files by path, its shell for client routes
 * (/products/42), and 404 for a missing file (/assets/gone.js) so a stale
 * page fails loudly instead of parsing HTML as script.
 */
export function serveSite(files: Map<string, SiteFile>, options: SiteOptions): RouteHandler {
  const hidden = new Set(options.hidden);
  const shell = files.get(options.appShell);
  return (req, res) => {
    const urlPath = decodedPath(req);
    if (urlPath === undefined) {
      sendGraphQLError(res, 400, 'Malformed path', 'BAD_REQUEST');
      return;
    }
    const file = hidden.has(urlPath)
      ? undefined
      : files.get(urlPath === '/' ? options.appShell : urlPath);
    if (file) return sendFile(req, res, file);
    const lastSegment = urlPath.slice(urlPath.lastIndexOf('/') + 1);
    if (shell && !lastSegment.includes('.')) return sendFile(req, res, shell);
    sendGraphQLError(res, 404, `No file ${urlPath}`, 'NOT_FOUND');
  };
}
