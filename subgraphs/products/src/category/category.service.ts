import { isUuid } from '@shop/federation';
import type { Database } from '../db';

export interface CategoryRow {
  id: string;
  name: string;
  slug: string;
  parentId: string | null;
}

const columns = { id: true, name: true, slug: true, parentId: true } as const;

export class CategoryService {
  constructor(private readonly db: Database) {}

  list(): Promise<CategoryRow[]> {
    return this.db.prisma.category.findMany({
      select: columns,
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    });
  }

  byIds(ids: readonly string[]): Promise<CategoryRow[]> {
    return this.db.prisma.category.findMany({
      select: columns,
      where: { id: { in: ids.filter(isUuid) } },
    });
  }

  childrenOf(parentIds: readonly string[]): Promise<CategoryRow[]> {
    return this.db.prisma.category.findMany({
      select: columns,
      where: { parentId: { in: [...parentIds] } },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    });
  }

  /** The category and everything below it, for "products in this category" filters. */
  async withDescendants(categoryId: string): Promise<string[]> {
    const all = await this.db.prisma.category.findMany({ select: { id: true, parentId: true } });
    const children = new Map<string, string[]>();
    for (const category of all) {
      if (category.parentId)
        children.set(category.parentId, [...(children.get(category.parentId) ?? []), category.id]);
    }
    const result: string[] = [];
    const pending = [categoryId];
    while (pending.length > 0) {
      const id = pending.pop() as string;
      result.push(id);
      pending.push(...(children.get(id) ?? []));
    }
    return result;
  }
}
