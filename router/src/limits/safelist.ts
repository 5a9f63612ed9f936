import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin, PersistedQueryOptions } from '@apollo/server';
import { z } from 'zod';
import { LimitCode, OperationLimitError } from './limit-errors';

/** The manifest scripts/persisted-operations.mjs writes: SHA-256 of the query text → the text. */
export type Safelist = ReadonlyMap<string, string>;

type PersistedQueryCache = NonNullable<PersistedQueryOptions['cache']>;

const SHA256_HEX_LENGTH = 64;

const manifestSchema = z.record(z.string().regex(/^[0-9a-f]{64}$/), z.string());

/** Reads a safelist manifest, refusing one whose hashes do not match their queries. */
export function loadSafelist(path: string): Safelist {
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  for (const [hash, query] of Object.entries(manifest)) {
    if (sha256(query) !== hash) throw new Error(`${path}: ${hash} is not the SHA-256 of its query`);
  }
  return new Map(Object.entries(manifest));
}

/** Whether a query text is one of the manifest's (subscriptions check this; HTTP checks the hash Apollo computed). */
export function isListed(safelist: Safelist, query: string): boolean {
  return safelist.has(sha256(query));
}

/**
 * The persisted-query cache of a safelisted router: a client may send a
 * registered operation by its hash alone, and nothing else is ever stored
 * (an unregistered operation would be refused anyway). Apollo asks for
 * prefixed keys ("apq:<hash>"); the hash is the key's last 64 characters.
 */
export function safelistQueryCache(safelist: Safelist): PersistedQueryCache {
  return {
    get: async (key) => safelist.get(key.slice(-SHA256_HEX_LENGTH)),
    set: async () => undefined,
    delete: async () => undefined,
  };
}

/**
 * Only the operations of the manifest run. The hash is taken as the source
 * resolves (before anything may rewrite it); the refusal waits for
 * didResolveOperation, the hook whose errors Apollo answers as the client's
 * (a throw earlier is a 500). Parsing an unlisted operation first is bounded
 * by MAX_TOKENS.
 */
export function safelistPlugin(safelist: Safelist): ApolloServerPlugin {
  return {
    async requestDidStart() {
      let listed = false;
      return {
        async didResolveSource({ queryHash }) {
          listed = safelist.has(queryHash);
        },
        // Synchronous, like the limits plugin's: a refusal keeps later plugins from starting.
        didResolveOperation() {
          if (!listed) {
            throw new OperationLimitError(
              LimitCode.PERSISTED_QUERY_NOT_IN_SAFELIST,
              'Only registered operations run on this router',
            );
          }
          return Promise.resolve();
        },
      };
    },
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
