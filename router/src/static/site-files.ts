import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** One file of a built site, held in memory with the headers it is served with. */
export interface SiteFile {
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite names what it emits under assets/ by content hash: such a name never changes meaning. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/**
 * Every file under root, keyed by its URL path ("/assets/x.js"). Serving only
 * from this map means a request can name nothing outside the build: there is
 * no path on disk to traverse to.
 */
export async function loadSiteFiles(root: string): Promise<Map<string, SiteFile>> {
  const files = new Map<string, SiteFile>();
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    // Dotfiles are the build's bookkeeping (its source hash), not the site's.
    if (!entry.isFile() || entry.name.startsWith('.')) continue;
    const absolute = path.join(entry.parentPath, entry.name);
    const urlPath = `/${path.relative(root, absolute).split(path.sep).join('/')}`;
    files.set(urlPath, {
      body: await readFile(absolute),
      contentType: CONTENT_TYPES[path.extname(entry.name)] ?? 'application/octet-stream',
      cacheControl: urlPath.startsWith('/assets/') ? IMMUTABLE : REVALIDATE,
    });
  }
  return files;
}
