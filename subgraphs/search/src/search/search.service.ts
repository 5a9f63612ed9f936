import { assertPageSize, decodeCursor, encodeCursor, isUuid, toConnection } from '@shop/federation';
import { BadUserInputError } from '@shop/platform';
import { Prisma, type Database } from '../db';
import type { ProductStub } from '../product/product.stub';
import type { SearchResultConnection } from './search.connection';
import type { SearchFilter } from './search.input';
import { PRICE_RANGE_THRESHOLDS, toFacets, type FacetRow } from './search.mapper';
import { searchText } from './search-text';

interface RankedRow {
  productId: string;
  rank: number;
}

/** Where the previous page ended, in the result order (rank descending, then product id). */
interface Position {
  rank: number;
  productId: string;
}

const cursorOf = (row: RankedRow): string => encodeCursor([row.rank, row.productId]);
const toNode = (row: RankedRow): ProductStub => ({ id: row.productId });

function positionOf(after: string): Position {
  const [rank, productId] = decodeCursor(after);
  if (typeof rank !== 'number' || typeof productId !== 'string' || !isUuid(productId)) {
    throw new BadUserInputError('Invalid cursor', { argument: 'after' });
  }
  return { rank, productId };
}

export class SearchService {
  constructor(private readonly db: Database) {}

  /**
   * Products matching the text (English stemming, name above description) and
   * the filter, most relevant first, with totals and facets over every match.
   * Text without a searchable word, such as only stop words, matches nothing.
   */
  async search(
    query: string,
    first: number,
    after: string | undefined,
    filter: SearchFilter = {},
  ): Promise<SearchResultConnection> {
    const text = searchText(query, 'query');
    assertPageSize(first);
    const { minPrice, maxPrice } = filter;
    if (typeof minPrice === 'number' && typeof maxPrice === 'number' && minPrice > maxPrice) {
      throw new BadUserInputError('minPrice must not exceed maxPrice', { argument: 'filter' });
    }
    const position = after === undefined ? undefined : positionOf(after);
    const matches = this.matches(text, filter);
    const [rows, facetRows] = await Promise.all([
      this.page(matches, first, position),
      this.facets(matches),
    ]);
    const { facets, totalCount } = toFacets(facetRows);
    return {
      ...toConnection(rows, first, totalCount, position !== undefined, cursorOf, toNode),
      facets,
    };
  }

  /**
   * The matching documents as a `matches` CTE, shared by the page and the
   * facets so both see exactly the same set. The rank is computed once there
   * and widened to float8 (exact for ts_rank's float4), so the cursor's rank
   * compares equal to the row's own on the next page.
   */
  private matches(text: string, filter: SearchFilter): Prisma.Sql {
    const table = Prisma.raw(`"${this.db.schema}"."SearchDocument"`);
    const conditions = [Prisma.sql`d."searchVector" @@ q.query`, Prisma.sql`NOT d."archived"`];
    const categoryIds = filter.categoryIds ?? [];
    if (categoryIds.length > 0) {
      conditions.push(Prisma.sql`d."categoryId" = ANY(${categoryIds.filter(isUuid)}::uuid[])`);
    }
    if (typeof filter.minPrice === 'number') {
      conditions.push(Prisma.sql`d."priceAmount" >= ${filter.minPrice}`);
    }
    if (typeof filter.maxPrice === 'number') {
      conditions.push(Prisma.sql`d."priceAmount" <= ${filter.maxPrice}`);
    }
    if (typeof filter.inStock === 'boolean') {
      conditions.push(Prisma.sql`d."inStock" = ${filter.inStock}`);
    }
    return Prisma.sql`
      WITH q AS (SELECT websearch_to_tsquery('english', ${text}::text) AS query),
      matches AS (
        SELECT d."productId", d."categoryId", d."priceAmount", d."inStock",
               ts_rank(d."searchVector", q.query)::float8 AS rank
        FROM ${table} d CROSS JOIN q
        WHERE ${Prisma.join(conditions, ' AND ')}
      )`;
  }

  private page(matches: Prisma.Sql, first: number, position: Position | undefined) {
    const after = position
      ? Prisma.sql`WHERE rank < ${position.rank}::float8
          OR (rank = ${position.rank}::float8 AND "productId" > ${position.productId}::uuid)`
      : Prisma.empty;
    return this.db.prisma.$queryRaw<RankedRow[]>`
      ${matches}
      SELECT "productId", rank FROM matches
      ${after}
      ORDER BY rank DESC, "productId" ASC
      LIMIT ${first + 1}`;
  }

  /** Every facet and the total in one pass over the matches, one grouping set each. */
  private facets(matches: Prisma.Sql) {
    return this.db.prisma.$queryRaw<FacetRow[]>`
      ${matches}
      SELECT
        CASE
          WHEN GROUPING("categoryId") = 0 THEN 'category'
          WHEN GROUPING("priceRange") = 0 THEN 'price'
          WHEN GROUPING("inStock") = 0 THEN 'stock'
          ELSE 'total'
        END AS facet,
        "categoryId", "priceRange", "inStock", count(*)::int AS count
      FROM (
        SELECT "categoryId", "inStock",
               width_bucket("priceAmount", ${[...PRICE_RANGE_THRESHOLDS]}::int[]) AS "priceRange"
        FROM matches
      ) grouped
      GROUP BY GROUPING SETS (("categoryId"), ("priceRange"), ("inStock"), ())`;
  }
}
