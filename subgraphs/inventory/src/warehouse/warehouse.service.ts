import { isUuid } from '@shop/federation';
import type { Database } from '../db';
import type { Warehouse } from './warehouse.type';

export const warehouseColumns = { id: true, name: true, code: true } as const;

export class WarehouseService {
  constructor(private readonly db: Database) {}

  list(): Promise<Warehouse[]> {
    return this.db.prisma.warehouse.findMany({
      select: warehouseColumns,
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    });
  }

  byIds(ids: readonly string[]): Promise<Warehouse[]> {
    return this.db.prisma.warehouse.findMany({
      select: warehouseColumns,
      where: { id: { in: ids.filter(isUuid) } },
    });
  }
}
