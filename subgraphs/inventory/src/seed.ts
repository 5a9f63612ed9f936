import { seedData, SEED_TRANSACTION } from '@shop/seed';
import type { Database } from './db';

/**
 * Loads the demo warehouses and their stock once, nothing reserved. Products
 * get no stock settings: the default low-stock threshold applies. Skipped when
 * warehouses already exist.
 */
export async function seedInventory(db: Database): Promise<boolean> {
  const { prisma } = db;
  if ((await prisma.warehouse.count()) > 0) return false;

  await prisma.$transaction(async (tx) => {
    await tx.warehouse.createMany({ data: [...seedData.warehouses] });
    await tx.stockLevel.createMany({
      data: seedData.stock.map((row) => ({ ...row, reserved: 0 })),
    });
  }, SEED_TRANSACTION);
  return true;
}
