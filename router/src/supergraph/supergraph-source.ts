import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Where the supergraph comes from (SUPERGRAPH_PATH or SUPERGRAPH_URL) and how often it is looked at. */
export interface SupergraphSourceSettings {
  path: string;
  url: string | undefined;
  /** Watch for a new supergraph while serving (SUPERGRAPH_RELOAD). */
  reload: boolean;
  /** The URL's poll, and the file's check besides fs.watch (SUPERGRAPH_POLL_INTERVAL_MS). */
  pollIntervalMs: number;
}

export interface SupergraphSource {
  /** The file or URL, for log lines. */
  readonly location: string;
  /** The supergraph's text as it is now. */
  read(): Promise<string>;
  /** Calls `maybeChanged` whenever the supergraph may have changed, until the returned stop. */
  watch(maybeChanged: () => void): () => void;
}

/** Editors and `kubectl` write a file in several steps: one look once they are done. */
const DEBOUNCE_MS = 200;
const FETCH_TIMEOUT_MS = 10_000;

export function supergraphSource(settings: SupergraphSourceSettings): SupergraphSource {
  return settings.url
    ? urlSource(settings.url, settings.pollIntervalMs)
    : fileSource(settings.path, settings.pollIntervalMs);
}

/**
 * A file, watched through its directory: a file replaced by a rename (an
 * editor's save, a Kubernetes ConfigMap's symlink swap) is a new inode that
 * a watch on the old one would never report. fs.watch misses events on some
 * file systems (network mounts, some containers), hence the poll besides.
 */
function fileSource(file: string, pollIntervalMs: number): SupergraphSource {
  const resolved = path.resolve(file);
  return {
    location: resolved,
    read: () => readFile(resolved, 'utf8'),
    watch(maybeChanged) {
      let debounce: NodeJS.Timeout | undefined;
      const soon = () => {
        clearTimeout(debounce);
        debounce = setTimeout(maybeChanged, DEBOUNCE_MS);
        debounce.unref();
      };
      let watcher: FSWatcher | undefined;
      try {
        watcher = watch(path.dirname(resolved), (_event, name) => {
          // Some platforms do not name the file: then any change in the directory counts.
          if (!name || name === path.basename(resolved)) soon();
        });
        // A directory that goes away ends the watch; the poll carries on.
        watcher.on('error', () => watcher?.close());
      } catch {
        watcher = undefined; // no fs.watch here: the poll alone
      }
      const poll = setInterval(maybeChanged, pollIntervalMs);
      poll.unref();
      return () => {
        clearTimeout(debounce);
        clearInterval(poll);
        watcher?.close();
      };
    },
  };
}

/** A URL (a schema registry, an object store) fetched every interval. */
function urlSource(url: string, pollIntervalMs: number): SupergraphSource {
  return {
    location: url,
    async read() {
      const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      return response.text();
    },
    watch(maybeChanged) {
      const poll = setInterval(maybeChanged, pollIntervalMs);
      poll.unref();
      return () => clearInterval(poll);
    },
  };
}
