import {
  assertPageSize,
  decodeCursor,
  encodeCursor,
  isUuid,
  toConnection,
  type Connection,
} from '@shop/federation';
import { BadUserInputError } from '@shop/platform';
import type { CategoryService } from '../category/category.service';
import type { Database, Prisma } from '../db';
import { productColumns, toProduct } from './product.mapper';
import type { ProductFilter } from './product.input';
import type { Product } from './product.type';

export class ProductService {
  constructor(
    private readonly db: Database,
    private readonly categories: CategoryService,
  ) {}

  async byIds(ids: readonly string[]): Promise<Product[]> {
    const rows = await this.db.prisma.product.findMany({
      select: productColumns,
      where: { id: { in: ids.filter(isUuid) } },
    });
    return rows.map(toProduct);
  }

  async bySlug(slug: string): Promise<Product | null> {
    const row = await this.db.prisma.product.findUnique({
      select: productColumns,
      where: { slug },
    });
    return row ? toProduct(row) : null;
  }

  /** Products by name, cursor-paginated, with the filter applied to the whole set. */
  async list(
    first: number,
    after: string | undefined,
    filter: ProductFilter = {},
  ): Promise<Connection<Product>> {
    assertPageSize(first);
    const where = await this.whereOf(filter);
    const position = after === undefined ? undefined : decodeCursor(after);
    const [name, id] = position ?? [];
    const page: Prisma.ProductWhereInput =
      typeof name === 'string' && typeof id === 'string'
        ? { AND: [where, { OR: [{ name: { gt: name } }, { name, id: { gt: id } }] }] }
        : where;
    const [rows, totalCount] = await Promise.all([
      this.db.prisma.product.findMany({
        select: productColumns,
        where: page,
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        take: first + 1,
      }),
      this.db.prisma.product.count({ where }),
    ]);
    return toConnection(
      rows,
      first,
      totalCount,
      position !== undefined,
      (row) => encodeCursor([row.name, row.id]),
      toProduct,
    );
  }

  private async whereOf(filter: ProductFilter): Promise<Prisma.ProductWhereInput> {
    const { categoryId, minPrice, maxPrice, inStock } = filter;
    if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice) {
      throw new BadUserInputError('minPrice must not exceed maxPrice', { argument: 'filter' });
    }
    const conditions: Prisma.ProductWhereInput[] = [];
    if (categoryId !== undefined) {
      if (!isUuid(categoryId)) return { id: { in: [] } };
      conditions.push({ categoryId: { in: await this.categories.withDescendants(categoryId) } });
    }
    if (minPrice !== undefined && minPrice !== null)
      conditions.push({ priceAmount: { gte: minPrice } });
    if (maxPrice !== undefined && maxPrice !== null)
      conditions.push({ priceAmount: { lte: maxPrice } });
    if (inStock === true) conditions.push({ stock: { inStock: true } });
    if (inStock === false)
      conditions.push({ OR: [{ stock: null }, { stock: { inStock: false } }] });
    return { AND: conditions };
  }
}
