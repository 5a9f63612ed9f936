import {
  assertPageSize,
  decodeCursor,
  encodeCursor,
  toConnection,
  type Connection,
} from '@shop/federation';
import { Prisma, type Database } from '../db';
import type { Review } from './review.type';

export interface ReviewRow {
  id: string;
  productId: string;
  authorId: string;
  rating: number;
  title: string | null;
  body: string;
  createdAt: Date;
}

export function toReview(row: ReviewRow): Review {
  return {
    id: row.id,
    productId: row.productId,
    rating: row.rating,
    title: row.title,
    body: row.body,
    createdAt: row.createdAt,
    author: { id: row.authorId },
  };
}

const cursorOf = (row: ReviewRow): string => encodeCursor([row.createdAt.toISOString(), row.id]);

export class ReviewService {
  constructor(private readonly db: Database) {}

  /**
   * The newest `first` reviews of each product, in one query for all of them:
   * a product list asking for reviews costs one statement, not one per product.
   */
  async firstPages(
    productIds: readonly string[],
    first: number,
  ): Promise<Map<string, ReviewRow[]>> {
    assertPageSize(first);
    const table = Prisma.raw(`"${this.db.schema}"."Review"`);
    const rows = await this.db.prisma.$queryRaw<ReviewRow[]>`
      SELECT "id", "productId", "authorId", "rating", "title", "body", "createdAt"
      FROM (
        SELECT r.*, ROW_NUMBER() OVER (PARTITION BY r."productId" ORDER BY r."createdAt" DESC, r."id" DESC) AS position
        FROM ${table} r
        WHERE r."productId" = ANY(${[...productIds]}::uuid[])
      ) ranked
      WHERE position <= ${first + 1}
      ORDER BY "productId", position`;
    const pages = new Map<string, ReviewRow[]>(productIds.map((id) => [id, []]));
    for (const row of rows)
      pages.get(row.productId)?.push({ ...row, createdAt: new Date(row.createdAt) });
    return pages;
  }

  /** A later page of one product's reviews, newest first. */
  async page(productId: string, first: number, after: string): Promise<ReviewRow[]> {
    assertPageSize(first);
    const [createdAt, id] = decodeCursor(after);
    if (typeof createdAt !== 'string' || typeof id !== 'string') return [];
    const at = new Date(createdAt);
    return this.db.prisma.review.findMany({
      where: { productId, OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: id } }] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: first + 1,
    });
  }

  toConnection(
    rows: ReviewRow[],
    first: number,
    totalCount: number,
    after?: string,
  ): Connection<Review> {
    return toConnection(rows, first, totalCount, after !== undefined, cursorOf, toReview);
  }
}
