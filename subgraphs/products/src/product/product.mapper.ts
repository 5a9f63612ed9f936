import type { ProductSnapshot } from '@shop/events';
import { Money } from '@shop/federation';
import type { Product } from './product.type';

export interface ProductRow {
  id: string;
  name: string;
  slug: string;
  description: string;
  categoryId: string;
  priceAmount: number;
  priceCurrency: string;
  ratingSum: number;
  reviewCount: number;
  createdAt: Date;
  archivedAt: Date | null;
}

export const productColumns = {
  id: true,
  name: true,
  slug: true,
  description: true,
  categoryId: true,
  priceAmount: true,
  priceCurrency: true,
  ratingSum: true,
  reviewCount: true,
  createdAt: true,
  archivedAt: true,
} as const;

export function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    description: row.description,
    categoryId: row.categoryId,
    price: Money.of(row.priceAmount, row.priceCurrency),
    averageRating:
      row.reviewCount === 0 ? null : Math.round((row.ratingSum / row.reviewCount) * 100) / 100,
    reviewCount: row.reviewCount,
    createdAt: row.createdAt,
    archivedAt: row.archivedAt,
  };
}

/** The product as its events carry it to other domains. */
export function toSnapshot(row: ProductRow, categoryName: string): ProductSnapshot {
  return {
    productId: row.id,
    name: row.name,
    slug: row.slug,
    description: row.description,
    categoryId: row.categoryId,
    categoryName,
    price: { amount: row.priceAmount, currency: row.priceCurrency },
    archived: row.archivedAt !== null,
  };
}
