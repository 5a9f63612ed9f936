import { entityTag } from './cache-keys';

/**
 * The tag of every entity found in `data`: each object with a `__typename`
 * and an `id` (the query planner asks for both wherever an entity crosses
 * subgraphs), so an announced change of that entity drops the entry.
 */
export function entityTagsIn(data: unknown): string[] {
  const tags = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const object = value as Record<string, unknown>;
    const { __typename: typename, id } = object;
    if (typeof typename === 'string' && (typeof id === 'string' || typeof id === 'number')) {
      tags.add(entityTag(typename, String(id)));
    }
    for (const field of Object.values(object)) visit(field);
  };
  visit(data);
  return [...tags];
}
