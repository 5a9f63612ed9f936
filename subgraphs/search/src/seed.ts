import { seedData } from '@shop/seed';
import type { Database } from './db';

/**
 * Indexes the demo catalogue once, from the same dataset the products and
 * inventory subgraphs seed (ids line up), so search answers before any event
 * has arrived. Versions stay 0: the first real event of each source wins.
 * Skipped when the index already holds documents.
 */
export async function seedSearch(db: Database): Promise<boolean> {
  const { prisma } = db;
  if ((await prisma.searchDocument.count()) > 0) return false;

  const categoryNames = new Map(
    seedData.categories.map((category) => [category.id, category.name]),
  );
  const onHandByProduct = new Map<string, number>();
  for (const row of seedData.stock) {
    onHandByProduct.set(row.productId, (onHandByProduct.get(row.productId) ?? 0) + row.onHand);
  }
  await prisma.searchDocument.createMany({
    data: seedData.products.map((product) => {
      const categoryName = categoryNames.get(product.categoryId);
      if (categoryName === undefined) {
        throw new Error(`Seed product ${product.slug} has no category ${product.categoryId}`);
      }
      return {
        productId: product.id,
        name: product.name,
        description: product.description,
        categoryId: product.categoryId,
        categoryName,
        priceAmount: product.price.amount,
        priceCurrency: product.price.currency,
        inStock: (onHandByProduct.get(product.id) ?? 0) > 0,
      };
    }),
  });
  return true;
}
