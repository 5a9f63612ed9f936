import type { CachePolicy } from './caches';

/** What a subgraph's `cache-control` header allows, read like RemoteGraphQLDataSource reads it. */
export interface CacheHint {
  maxAge: number;
  scope?: 'PUBLIC' | 'PRIVATE';
}

/** The part of Apollo Server's per-request cache policy the executor narrows. */
export interface RestrictableCachePolicy {
  restrict(hint: CacheHint): void;
}

export function cacheHintOf(header: string | undefined): CacheHint {
  const hint: CacheHint = { maxAge: 0 };
  if (!header) return hint;
  let isPublic = false;
  let isPrivate = false;
  for (const directive of header.split(',')) {
    const [rawName, rawValue] = directive.split('=', 2);
    const name = rawName!.trim().toLowerCase();
    const value = rawValue?.trim().replace(/^"|"$/g, '');
    if (name === 'max-age' && value !== undefined && /^[0-9]+$/.test(value)) hint.maxAge = +value;
    else if (name === 'private' && value === undefined) isPrivate = true;
    else if (name === 'public' && value === undefined) isPublic = true;
  }
  if (isPrivate) hint.scope = 'PRIVATE';
  if (isPublic) hint.scope = 'PUBLIC';
  return hint;
}

/** The policy a FetchCache may store an answer under: public only when the subgraph says so. */
export function cachePolicyOf(hint: CacheHint): CachePolicy {
  return { maxAgeSeconds: hint.maxAge, scope: hint.scope === 'PUBLIC' ? 'PUBLIC' : 'PRIVATE' };
}

export function isCacheable(policy: CachePolicy): boolean {
  return policy.scope === 'PUBLIC' && policy.maxAgeSeconds > 0;
}
