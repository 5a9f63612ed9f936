import {
  assertPageSize,
  decodeCursor,
  encodeCursor,
  isUuid,
  toConnection,
  isUniqueViolation,
  type Connection,
  type MoneyInput,
} from '@shop/federation';
import { BadUserInputError, NotFoundError, trimmedText } from '@shop/platform';
import type { CategoryService } from '../category/category.service';
import { type Prisma, type Database, type ProductOutbox, tableOf } from '../db';
import { validPrice } from './price';
import { placeholderImage, validImages } from './product-images';
import type { ProductImage } from './product-image.type';
import { productColumns, toProduct, toSnapshot } from './product.mapper';
import type { CreateProductInput, ProductFilter, UpdateProductInput } from './product.input';
import type { Product } from './product.type';
import { firstFreeSlug, slugify } from './slug';

/** How often createProduct picks a slug again after a concurrent create took it. */
const SLUG_ATTEMPTS = 5;

/** A product row as events need it: with its version and its category's name. */
const eventColumns = {
  ...productColumns,
  version: true,
  category: { select: { name: true } },
} as const;

export class ProductService {
  constructor(
    private readonly db: Database,
    private readonly categories: CategoryService,
    private readonly outbox: ProductOutbox,
  ) {}

  /**
   * Creates a product, out of stock until inventory says otherwise, with its
   * placeholder illustration, and announces it (ProductCreated) in the same
   * transaction. The slug comes
   * from the name, with -2, -3 … when taken; when a concurrent create takes
   * the same slug first, the unique index refuses this one and it starts over.
   */
  async create(input: CreateProductInput, correlationId: string): Promise<Product> {
    const name = trimmedText(input.name, 'name', 1, 200);
    const description = trimmedText(input.description, 'description', 1, 5000);
    const price = validPrice(input.price);
    const unknownCategory = () =>
      new BadUserInputError('categoryId does not name a category', { field: 'categoryId' });
    if (!isUuid(input.categoryId)) throw unknownCategory();
    const base = slugify(name);

    for (let attempt = 1; ; attempt += 1) {
      try {
        const product = await this.db.prisma.$transaction(async (tx) => {
          const category = await tx.category.findUnique({
            where: { id: input.categoryId },
            select: { name: true },
          });
          if (!category) throw unknownCategory();
          const taken = await tx.product.findMany({
            where: { slug: { startsWith: base } },
            select: { slug: true },
          });
          const slug = firstFreeSlug(
            base,
            taken.map((product) => product.slug),
          );
          const row = await tx.product.create({
            data: {
              name,
              slug,
              description,
              categoryId: input.categoryId,
              priceAmount: price.amount,
              priceCurrency: price.currency,
              stock: { create: { inStock: false } },
              images: { create: [placeholderImage(name, category.name)] },
            },
            select: eventColumns,
          });
          await this.outbox.record(tx, 'ProductCreated', row.id, toSnapshot(row, category.name), {
            version: row.version,
            correlationId,
          });
          return toProduct(row);
        });
        this.outbox.committed();
        return product;
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= SLUG_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Sets a product's price and announces it (ProductPriceChanged, with the
   * price before) in the same transaction. The row is locked first, so of
   * two concurrent changes the second sees the first's price as the
   * previous one. The same price again changes nothing and announces nothing.
   */
  async updatePrice(productId: string, price: MoneyInput, correlationId: string): Promise<Product> {
    const next = validPrice(price);
    if (!isUuid(productId)) throw new NotFoundError('Product not found');
    const table = tableOf(this.db, 'Product');
    const product = await this.db.prisma.$transaction(async (tx) => {
      const [current] = await tx.$queryRaw<{ priceAmount: number; priceCurrency: string }[]>`
        SELECT "priceAmount", "priceCurrency" FROM ${table} WHERE id = ${productId}::uuid FOR UPDATE`;
      if (!current) throw new NotFoundError('Product not found');
      if (current.priceAmount === next.amount && current.priceCurrency === next.currency) {
        return toProduct(
          await tx.product.findUniqueOrThrow({ where: { id: productId }, select: productColumns }),
        );
      }
      const row = await tx.product.update({
        where: { id: productId },
        data: {
          priceAmount: next.amount,
          priceCurrency: next.currency,
          version: { increment: 1 },
        },
        select: eventColumns,
      });
      await this.outbox.record(
        tx,
        'ProductPriceChanged',
        row.id,
        {
          ...toSnapshot(row, row.category.name),
          previousPrice: { amount: current.priceAmount, currency: current.priceCurrency },
        },
        { version: row.version, correlationId },
      );
      return toProduct(row);
    });
    this.outbox.committed();
    return product;
  }

  /**
   * An ADMIN's edit: the given fields change, the rest stay (the slug always
   * does, so links keep working); images, when given, replace every picture.
   * A change of name, description or category is announced (ProductUpdated)
   * in the same transaction; pictures are not in the events, so a change of
   * them alone announces nothing.
   */
  async update(
    productId: string,
    input: UpdateProductInput,
    correlationId: string,
  ): Promise<Product> {
    if (!isUuid(productId)) throw new NotFoundError('Product not found');
    const name = input.name == null ? undefined : trimmedText(input.name, 'name', 1, 200);
    const description =
      input.description == null
        ? undefined
        : trimmedText(input.description, 'description', 1, 5000);
    const categoryId = input.categoryId ?? undefined;
    const unknownCategory = () =>
      new BadUserInputError('categoryId does not name a category', { field: 'categoryId' });
    if (categoryId !== undefined && !isUuid(categoryId)) throw unknownCategory();
    const images = input.images == null ? undefined : validImages(input.images);

    const product = await this.db.prisma.$transaction(async (tx) => {
      const current = await tx.product.findUnique({
        where: { id: productId },
        select: { name: true, description: true, categoryId: true },
      });
      if (!current) throw new NotFoundError('Product not found');
      if (categoryId !== undefined) {
        const category = await tx.category.findUnique({ where: { id: categoryId } });
        if (!category) throw unknownCategory();
      }
      if (images) {
        await tx.productImage.deleteMany({ where: { productId } });
        await tx.productImage.createMany({
          data: images.map((image) => ({ ...image, productId })),
        });
      }
      const changed =
        (name !== undefined && name !== current.name) ||
        (description !== undefined && description !== current.description) ||
        (categoryId !== undefined && categoryId !== current.categoryId);
      if (!changed) {
        return toProduct(
          await tx.product.findUniqueOrThrow({ where: { id: productId }, select: productColumns }),
        );
      }
      const row = await tx.product.update({
        where: { id: productId },
        data: { name, description, categoryId, version: { increment: 1 } },
        select: eventColumns,
      });
      await this.outbox.record(tx, 'ProductUpdated', row.id, toSnapshot(row, row.category.name), {
        version: row.version,
        correlationId,
      });
      return toProduct(row);
    });
    this.outbox.committed();
    return product;
  }

  /**
   * Takes a product off sale: out of the listing and, through ProductArchived,
   * out of search; still readable by id and in ADMINs' listing. Archiving an
   * archived product changes nothing and announces nothing, also when two
   * ADMINs do it at once (the update is conditional on the product being on sale).
   */
  async archive(productId: string, correlationId: string): Promise<Product> {
    if (!isUuid(productId)) throw new NotFoundError('Product not found');
    const product = await this.db.prisma.$transaction(async (tx) => {
      const { count } = await tx.product.updateMany({
        where: { id: productId, archivedAt: null },
        data: { archivedAt: new Date(), version: { increment: 1 } },
      });
      const row = await tx.product.findUnique({ where: { id: productId }, select: eventColumns });
      if (!row) throw new NotFoundError('Product not found');
      if (count > 0) {
        await this.outbox.record(
          tx,
          'ProductArchived',
          row.id,
          toSnapshot(row, row.category.name),
          { version: row.version, correlationId },
        );
      }
      return toProduct(row);
    });
    this.outbox.committed();
    return product;
  }

  /** The pictures of these products, each product's in order. */
  imagesOf(productIds: readonly string[]): Promise<ProductImage[]> {
    return this.db.prisma.productImage.findMany({
      select: { productId: true, url: true, alt: true, width: true, height: true },
      where: { productId: { in: productIds.filter(isUuid) } },
      orderBy: [{ productId: 'asc' }, { position: 'asc' }],
    });
  }

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

  /** Products on sale (the storefront's listing) by name, cursor-paginated, filtered as a whole. */
  async list(
    first: number,
    after: string | undefined,
    filter: ProductFilter = {},
  ): Promise<Connection<Product>> {
    assertPageSize(first);
    return this.page(first, after, { AND: [await this.whereOf(filter), { archivedAt: null }] });
  }

  /**
   * Every product by name, for ADMINs: archived ones too, or only them
   * (archived: true), or only those on sale (false).
   */
  async listAll(
    first: number,
    after: string | undefined,
    filter: ProductFilter = {},
    archived?: boolean,
  ): Promise<Connection<Product>> {
    assertPageSize(first);
    const where = await this.whereOf(filter);
    if (archived === undefined) return this.page(first, after, where);
    return this.page(first, after, {
      AND: [where, { archivedAt: archived ? { not: null } : null }],
    });
  }

  private async page(
    first: number,
    after: string | undefined,
    where: Prisma.ProductWhereInput,
  ): Promise<Connection<Product>> {
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
