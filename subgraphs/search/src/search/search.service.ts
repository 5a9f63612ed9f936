import { assertPageSize, decodeCursor, encodeCursor, isUuid, toConnection } from '@shop/federation';
import { BadUserInputError } from '@shop/platform';
import { Prisma, type Database, tableOf } from '../db';
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

/** A row of `matches` that every filter group lets through. */
const SELECTED = Prisma.sql`"inCategories" AND "inPriceRange" AND "inStockChoice"`;

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
   * The documents matching the text as a `matches` CTE, shared by the page and
   * the facets so both see exactly the same set, each with a flag per filter
   * group: the page takes the rows every group lets through, and each facet
   * group counts the rows the *other* groups let through (disjunctive facets:
   * with one category chosen, the category facet still counts the others, so a
   * shopper can widen the choice). The rank is computed once there and widened
   * to float8 (exact for ts_rank's float4), so the cursor's rank compares equal
   * to the row's own on the next page.
   */
  private matches(text: string, filter: SearchFilter): Prisma.Sql {
    const table = tableOf(this.db, 'SearchDocument');
    const categoryIds = filter.categoryIds ?? [];
    const inCategories =
      categoryIds.length > 0
        ? Prisma.sql`d."categoryId" = ANY(${categoryIds.filter(isUuid)}::uuid[])`
        : Prisma.sql`true`;
    const priceBounds = [
      ...(typeof filter.minPrice === 'number'
        ? [Prisma.sql`d."priceAmount" >= ${filter.minPrice}`]
        : []),
      ...(typeof filter.maxPrice === 'number'
        ? [Prisma.sql`d."priceAmount" <= ${filter.maxPrice}`]
        : []),
    ];
    const inPriceRange =
      priceBounds.length > 0 ? Prisma.join(priceBounds, ' AND ') : Prisma.sql`true`;
    const inStockChoice =
      typeof filter.inStock === 'boolean'
        ? Prisma.sql`d."inStock" = ${filter.inStock}`
        : Prisma.sql`true`;
    return Prisma.sql`
      WITH q AS (SELECT websearch_to_tsquery('english', ${text}::text) AS query),
      matches AS (
        SELECT d."productId", d."categoryId", d."priceAmount", d."inStock",
               ts_rank(d."searchVector", q.query)::float8 AS rank,
               (${inCategories}) AS "inCategories",
               (${inPriceRange}) AS "inPriceRange",
               (${inStockChoice}) AS "inStockChoice"
        FROM ${table} d CROSS JOIN q
        WHERE d."searchVector" @@ q.query AND NOT d."archived"
      )`;
  }

  private page(matches: Prisma.Sql, first: number, position: Position | undefined) {
    const after = position
      ? Prisma.sql`AND (rank < ${position.rank}::float8
          OR (rank = ${position.rank}::float8 AND "productId" > ${position.productId}::uuid))`
      : Prisma.empty;
    return this.db.prisma.$queryRaw<RankedRow[]>`
      ${matches}
      SELECT "productId", rank FROM matches
      WHERE ${SELECTED} ${after}
      ORDER BY rank DESC, "productId" ASC
      LIMIT ${first + 1}`;
  }

  /**
   * Every facet and the total in one pass over the matches, one grouping set
   * each; a group's count is over the rows the other groups' filters let
   * through, and groups that count nothing are left out.
   */
  private facets(matches: Prisma.Sql) {
    return this.db.prisma.$queryRaw<FacetRow[]>`
      ${matches}
      SELECT * FROM (
        SELECT
          CASE
            WHEN GROUPING("categoryId") = 0 THEN 'category'
            WHEN GROUPING("priceRange") = 0 THEN 'price'
            WHEN GROUPING("inStock") = 0 THEN 'stock'
            ELSE 'total'
          END AS facet,
          "categoryId", "priceRange", "inStock",
          CASE
            WHEN GROUPING("categoryId") = 0
              THEN count(*) FILTER (WHERE "inPriceRange" AND "inStockChoice")
            WHEN GROUPING("priceRange") = 0
              THEN count(*) FILTER (WHERE "inCategories" AND "inStockChoice")
            WHEN GROUPING("inStock") = 0
              THEN count(*) FILTER (WHERE "inCategories" AND "inPriceRange")
            ELSE count(*) FILTER (WHERE ${SELECTED})
          END::int AS count
        FROM (
          SELECT "categoryId", "inStock", "inCategories", "inPriceRange", "inStockChoice",
                 width_bucket("priceAmount", ${[...PRICE_RANGE_THRESHOLDS]}::int[]) AS "priceRange"
          FROM matches
        ) grouped
        GROUP BY GROUPING SETS (("categoryId"), ("priceRange"), ("inStock"), ())
      ) facets
      WHERE facet = 'total' OR count > 0`;
  }
}
