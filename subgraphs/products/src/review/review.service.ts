import {
  assertPageSize,
  decodeCursor,
  encodeCursor,
  isUuid,
  toConnection,
  isUniqueViolation,
  type Connection,
} from '@shop/federation';
import {
  BadUserInputError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  trimmedText,
} from '@shop/platform';
import { tableOf, type Database } from '../db';
import { productColumns, toProduct } from '../product/product.mapper';
import type { Product } from '../product/product.type';
import type { AddReviewInput } from './review.input';
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
   * Adds the author's review of a product they received (a DeliveredPurchase
   * from orders' events), one per product and author, and adds its rating to
   * the product's totals in the same transaction. The totals are incremented
   * in SQL, so concurrent reviews all count. Returns the product as updated.
   */
  async add(
    authorId: string,
    input: AddReviewInput,
  ): Promise<{ review: Review; product: Product }> {
    const { productId, rating } = input;
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) {
      throw new BadUserInputError('rating must be a whole number from 1 to 5', { field: 'rating' });
    }
    const title = trimmedText(input.title ?? '', 'title', 0, 200);
    const body = trimmedText(input.body, 'body', 1, 5000);
    if (!isUuid(productId)) throw new NotFoundError('Product not found');
    try {
      return await this.db.prisma.$transaction(async (tx) => {
        const product = await tx.product.findUnique({
          where: { id: productId },
          select: { id: true },
        });
        if (!product) throw new NotFoundError('Product not found');
        const purchase = await tx.deliveredPurchase.findFirst({
          where: { userId: authorId, productId },
          select: { orderId: true },
        });
        if (!purchase) throw new ForbiddenError('Only buyers of a delivered order may review it');
        const review = await tx.review.create({
          data: { productId, authorId, rating, title: title === '' ? null : title, body },
        });
        const updated = await tx.product.update({
          where: { id: productId },
          data: { ratingSum: { increment: rating }, reviewCount: { increment: 1 } },
          select: productColumns,
        });
        return { review: toReview(review), product: toProduct(updated) };
      });
    } catch (error) {
      // The unique (product, author) index decides, so two concurrent reviews cannot both pass.
      if (isUniqueViolation(error)) {
        throw new ConflictError('You have already reviewed this product', { field: 'productId' });
      }
      throw error;
    }
  }

  /**
   * The newest `first` reviews of each product, in one query for all of them:
   * a product list asking for reviews costs one statement, not one per product.
   */
  async firstPages(
    productIds: readonly string[],
    first: number,
  ): Promise<Map<string, ReviewRow[]>> {
    assertPageSize(first);
    const table = tableOf(this.db, 'Review');
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
