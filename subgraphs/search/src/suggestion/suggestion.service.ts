import { BadUserInputError } from '@shop/platform';
import { Prisma, type Database, tableOf } from '../db';
import { searchText } from '../search/search-text';

export const DEFAULT_SUGGESTIONS = 5;
export const MAX_SUGGESTIONS = 20;

/** LIKE treats %, _ and its escape character (backslash by default) specially. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

export class SuggestionService {
  constructor(private readonly db: Database) {}

  /**
   * Distinct product names that start with the prefix (case-insensitively) or
   * have words starting with it, names starting with it first, then shorter
   * names first.
   */
  async suggest(prefix: string, limit = DEFAULT_SUGGESTIONS): Promise<string[]> {
    const text = searchText(prefix, 'prefix');
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SUGGESTIONS) {
      throw new BadUserInputError(`limit must be between 1 and ${MAX_SUGGESTIONS}`, {
        argument: 'limit',
      });
    }
    const rows = await this.db.prisma.$queryRaw<{ name: string }[]>(
      suggestionsQuery(this.db.schema, text, limit),
    );
    return rows.map((row) => row.name);
  }
}

/**
 * Names of products on sale that start with the text, case-insensitively, or
 * have a word starting with it. The start is matched as `lower(name) LIKE lower(text) || '%'`, the
 * form the trigram index on lower(name) answers; the words through the name's
 * part (weight A) of the tsvector and its GIN index.
 */
export function suggestionsQuery(schema: string, text: string, limit: number): Prisma.Sql {
  const table = tableOf({ schema }, 'SearchDocument');
  const startsWith = Prisma.sql`lower(d."name") LIKE lower(${escapeLike(text)}::text) || '%'`;
  // Words of letters and digits only, so nothing the user typed is tsquery syntax; `:*A` is a
  // prefix match limited to weight A, the name, since the suggestions are names.
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  const wordMatch =
    words.length === 0
      ? Prisma.empty
      : Prisma.sql`OR d."searchVector" @@ to_tsquery('english', ${words.map((word) => `${word}:*A`).join(' & ')}::text)`;
  return Prisma.sql`
    SELECT name FROM (
      SELECT DISTINCT d."name" AS name, ${startsWith} AS "startsWith"
      FROM ${table} d
      WHERE NOT d."archived" AND (${startsWith} ${wordMatch})
    ) candidates
    ORDER BY "startsWith" DESC, length(name), name
    LIMIT ${limit}`;
}
