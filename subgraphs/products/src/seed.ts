import { seedData, SEED_TRANSACTION } from '@shop/seed';
import type { Database } from './db';
import { placeholderImage } from './product/product-images';

/**
 * Loads the demo catalogue once: categories, products with their placeholder
 * illustrations, their reviews with the rating totals they imply, the stock
 * projection and the delivered purchases that make those reviews verified. Skipped when products already exist.
 */
export async function seedProducts(db: Database): Promise<boolean> {
  const { prisma } = db;
  if ((await prisma.product.count()) > 0) return false;

  const stockByProduct = new Map<string, number>();
  for (const row of seedData.stock) {
    stockByProduct.set(row.productId, (stockByProduct.get(row.productId) ?? 0) + row.onHand);
  }
  await prisma.$transaction(async (tx) => {
    const roots = seedData.categories.filter((category) => category.parentId === null);
    const children = seedData.categories.filter((category) => category.parentId !== null);
    await tx.category.createMany({ data: [...roots, ...children] });
    await tx.product.createMany({
      data: seedData.products.map((product) => {
        const reviews = seedData.reviews.filter((review) => review.productId === product.id);
        return {
          id: product.id,
          name: product.name,
          slug: product.slug,
          description: product.description,
          categoryId: product.categoryId,
          priceAmount: product.price.amount,
          priceCurrency: product.price.currency,
          ratingSum: reviews.reduce((sum, review) => sum + review.rating, 0),
          reviewCount: reviews.length,
        };
      }),
    });
    const categoryNames = new Map(
      seedData.categories.map((category) => [category.id, category.name]),
    );
    await tx.productImage.createMany({
      data: seedData.products.map((product) => ({
        productId: product.id,
        ...placeholderImage(product.name, categoryNames.get(product.categoryId)!),
      })),
    });
    await tx.review.createMany({
      data: seedData.reviews.map((review) => ({
        ...review,
        createdAt: new Date(review.createdAt),
      })),
    });
    await tx.productStock.createMany({
      data: seedData.products.map((product) => ({
        productId: product.id,
        inStock: (stockByProduct.get(product.id) ?? 0) > 0,
      })),
    });
    await tx.deliveredPurchase.createMany({
      data: seedData.deliveredOrders.flatMap((order) =>
        order.items.map((item) => ({
          userId: order.userId,
          productId: item.productId,
          orderId: order.id,
          deliveredAt: new Date(order.createdAt),
        })),
      ),
      skipDuplicates: true,
    });
  }, SEED_TRANSACTION);
  return true;
}
