import type { GraphQLResolveInfo } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';

/**
 * How long the router may reuse public data, in seconds, by how fast it
 * changes. One table for every subgraph, because the router's cache sees
 * them side by side (a product page mixes catalog and stock) and a change
 * announced on `entityChanged` drops the data at once anyway: these are the
 * upper bound for a change whose announcement was lost, not a knob to tune
 * per deployment.
 */
export const PUBLIC_CACHE_SECONDS = {
  /** Products, categories, reviews: change when an admin or a reviewer acts. */
  catalog: 60,
  /** Availability: moves with every checkout. */
  stock: 5,
  /** What anyone may see of a user (the name under a review). */
  publicProfile: 300,
} as const;

interface CacheHint {
  maxAge?: number;
  scope?: 'PUBLIC' | 'PRIVATE';
}

/** What Apollo Server's cache-control plugin (on by default) puts on `info`. */
interface ResolveInfoCacheControl {
  cacheHint: { restrict(hint: CacheHint): void };
  setCacheHint(hint: CacheHint): void;
}

function cacheControlOf(info: GraphQLResolveInfo): ResolveInfoCacheControl | undefined {
  return (info as GraphQLResolveInfo & { cacheControl?: ResolveInfoCacheControl }).cacheControl;
}

/**
 * Marks what this resolver answers as the same for everyone, reusable for
 * `maxAgeSeconds`. Restricts rather than replaces: `_entities` calls every
 * reference resolver with the same `info`, and the shortest age must win.
 *
 * Apollo Server answers `cache-control: max-age=N, public` only when every
 * root field and every field returning an object carries a hint (the
 * default is 0: not cacheable), so a resolver that says nothing is never
 * cached: identity-dependent data stays uncached unless someone marks it.
 */
export function cachePublicly(info: GraphQLResolveInfo, maxAgeSeconds: number): void {
  cacheControlOf(info)?.cacheHint.restrict({ maxAge: maxAgeSeconds, scope: 'PUBLIC' });
}

/**
 * Marks a field as never reusable, for a scalar that depends on who asks
 * (a scalar's hint otherwise comes from its parent's, which may be public).
 */
export function neverCache(info: GraphQLResolveInfo): void {
  cacheControlOf(info)?.setCacheHint({ maxAge: 0 });
}

/**
 * A hint that never lowers the answer's age, because every field sits under
 * a root field (or `_entities`) whose own hint, or the default 0, bounds it.
 */
const NO_LIMIT: CacheHint = { maxAge: Number.MAX_SAFE_INTEGER };

/**
 * For an object field that only carries part of its parent's data (a price,
 * a page of a connection, an edge's node, an entity reference such as a
 * review's author): it is as cacheable as its parent, like
 * `@cacheControl(inheritMaxAge: true)`, which code-first types cannot
 * declare without changing the subgraph's SDL.
 */
export const InheritCacheHint: MiddlewareFn = ({ info }, next) => {
  cacheControlOf(info)?.setCacheHint(NO_LIMIT);
  return next();
};
