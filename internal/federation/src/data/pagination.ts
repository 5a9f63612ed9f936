import { BadUserInputError } from '@shop/platform';
import type { Connection } from '../types/connection';

export const MAX_PAGE_SIZE = 100;

/** `first` must be 1..100: larger pages are refused, not silently cut. */
export function assertPageSize(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE_SIZE}`, {
      argument: 'first',
    });
  }
}

/** Cursors are opaque to clients: base64url of the keyset position. */
export function encodeCursor(position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(cursor: string): (string | number)[] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.every((part) => typeof part === 'string' || typeof part === 'number')
    ) {
      return value as (string | number)[];
    }
  } catch {
    // fall through to the error below
  }
  throw new BadUserInputError('Invalid cursor', { argument: 'after' });
}

/**
 * Builds a connection from one page fetched with `first + 1` rows: the extra
 * row only says whether another page exists.
 */
export function toConnection<Row, Node>(
  rows: Row[],
  first: number,
  totalCount: number,
  hasPrevious: boolean,
  cursorOf: (row: Row) => string,
  toNode: (row: Row) => Node,
): Connection<Node> {
  const page = rows.slice(0, first);
  const edges = page.map((row) => ({ cursor: cursorOf(row), node: toNode(row) }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
