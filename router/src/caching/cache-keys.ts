import { createHash } from 'node:crypto';
import type { SubgraphFetch } from '../execution/caches';
import { canonicalJson } from './canonical-json';

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** What a fetch asks, whatever it is about: the subgraph, its operation and its variables. */
function fetchDigest(fetch: SubgraphFetch): string {
  return `${fetch.subgraph}:${digest(fetch.operation)}:${digest(canonicalJson(fetch.variables))}`;
}

/** One entity as one `_entities` fetch selects it. */
export function entityKey(fetch: SubgraphFetch, representation: Record<string, unknown>): string {
  return `entity:${fetchDigest(fetch)}:${digest(canonicalJson(representation))}`;
}

/** The `data` of a root-field fetch. */
export function rootKey(fetch: SubgraphFetch): string {
  return `root:${fetchDigest(fetch)}`;
}

/** The index of every entry holding data of one entity, e.g. `Product:<id>`. */
export function entityTag(typename: string, id: string): string {
  return `${typename}:${id}`;
}
