import {
  Arg,
  Ctx,
  Directive,
  FieldResolver,
  ID,
  Info,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { announceEntityChanged } from '@shop/events';
import { cachePublicly, MoneyInput, PUBLIC_CACHE_SECONDS, requireAdmin } from '@shop/federation';
import { Category } from '../category/category.type';
import type { ProductsContext } from '../context';
import { ProductConnection } from './product.connection';
import { ProductImage } from './product-image.type';
import { CreateProductInput, ProductFilter, UpdateProductInput } from './product.input';
import { cacheWritten } from './product.loader';
import { Product } from './product.type';

/**
 * A product is public; its absence is not cached, since no announcement
 * would end it when the product (or its slug) appears.
 */
function publicUnlessMissing(info: GraphQLResolveInfo, product: Product | null): Product | null {
  if (product) cachePublicly(info, PUBLIC_CACHE_SECONDS.catalog);
  return product;
}

@Resolver(() => Product)
export class ProductResolver {
  @Query(() => Product, { nullable: true, description: 'null when no product has this id.' })
  async product(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: ProductsContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Product | null> {
    return publicUnlessMissing(info, await ctx.loaders.productById.load(id));
  }

  @Query(() => Product, { nullable: true })
  async productBySlug(
    @Arg('slug') slug: string,
    @Ctx() ctx: ProductsContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Product | null> {
    return publicUnlessMissing(info, await ctx.services.products.bySlug(slug));
  }

  @Directive('@listSize(slicingArguments: ["first"], sizedFields: ["edges"])')
  @Query(() => ProductConnection, { description: 'Products by name; first is 1..100.' })
  products(
    @Arg('first', () => Int) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Arg('filter', () => ProductFilter, { nullable: true }) filter: ProductFilter | undefined,
    @Ctx() ctx: ProductsContext,
  ): Promise<ProductConnection> {
    // No cache hint: a change is announced per entity, and a list also changes by who is in it.
    return ctx.services.products.list(first, after ?? undefined, filter ?? undefined);
  }

  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Directive('@listSize(slicingArguments: ["first"], sizedFields: ["edges"])')
  @Query(() => ProductConnection, {
    description:
      'ADMIN only. Every product by name, archived ones included unless archived says otherwise; first is 1..100.',
  })
  allProducts(
    @Arg('first', () => Int) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Arg('filter', () => ProductFilter, { nullable: true }) filter: ProductFilter | undefined,
    @Arg('archived', () => Boolean, {
      nullable: true,
      description: 'true: only archived products; false: only those on sale; not given: both.',
    })
    archived: boolean | undefined,
    @Ctx() ctx: ProductsContext,
  ): Promise<ProductConnection> {
    requireAdmin(ctx.identity);
    return ctx.services.products.listAll(
      first,
      after ?? undefined,
      filter ?? undefined,
      archived ?? undefined,
    );
  }

  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Mutation(() => Product, {
    description:
      'ADMIN only. A new product, out of stock until restocked; announces ProductCreated.',
  })
  async createProduct(
    @Arg('input', () => CreateProductInput) input: CreateProductInput,
    @Ctx() ctx: ProductsContext,
  ): Promise<Product> {
    requireAdmin(ctx.identity);
    return cacheWritten(
      ctx.loaders.productById,
      await ctx.services.products.create(input, ctx.requestId),
    );
  }

  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Mutation(() => Product, {
    description: "ADMIN only. Sets a product's price; announces ProductPriceChanged.",
  })
  async updatePrice(
    @Arg('productId', () => ID) productId: string,
    @Arg('price', () => MoneyInput) price: MoneyInput,
    @Ctx() ctx: ProductsContext,
  ): Promise<Product> {
    requireAdmin(ctx.identity);
    const product = await ctx.services.products.updatePrice(productId, price, ctx.requestId);
    // At once, so the caller's next read is fresh.
    await announceEntityChanged(ctx.pubSub, 'Product', product.id, ctx.log);
    return cacheWritten(ctx.loaders.productById, product);
  }

  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Mutation(() => Product, {
    description:
      "ADMIN only. Changes a product's name, description, category or pictures; announces ProductUpdated when its text or category changed.",
  })
  async updateProduct(
    @Arg('productId', () => ID) productId: string,
    @Arg('input', () => UpdateProductInput) input: UpdateProductInput,
    @Ctx() ctx: ProductsContext,
  ): Promise<Product> {
    requireAdmin(ctx.identity);
    const product = await ctx.services.products.update(productId, input, ctx.requestId);
    await announceEntityChanged(ctx.pubSub, 'Product', product.id, ctx.log);
    ctx.loaders.imagesByProductId.clear(product.id);
    return cacheWritten(ctx.loaders.productById, product);
  }

  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Mutation(() => Product, {
    description:
      'ADMIN only. Takes a product off sale: out of the listing and search, still readable by id and in allProducts; announces ProductArchived. Archiving again changes nothing.',
  })
  async archiveProduct(
    @Arg('productId', () => ID) productId: string,
    @Ctx() ctx: ProductsContext,
  ): Promise<Product> {
    requireAdmin(ctx.identity);
    const product = await ctx.services.products.archive(productId, ctx.requestId);
    await announceEntityChanged(ctx.pubSub, 'Product', product.id, ctx.log);
    return cacheWritten(ctx.loaders.productById, product);
  }

  @Directive('@listSize(assumedSize: 10)')
  @FieldResolver(() => [ProductImage], {
    description:
      'In order, the first the one lists show; every product has at least one unless an ADMIN removed them.',
  })
  images(
    @Root() product: Product,
    @Ctx() ctx: ProductsContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ProductImage[]> {
    cachePublicly(info, PUBLIC_CACHE_SECONDS.catalog);
    return ctx.loaders.imagesByProductId.load(product.id);
  }

  @FieldResolver(() => Category)
  async category(
    @Root() product: Product,
    @Ctx() ctx: ProductsContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Category> {
    cachePublicly(info, PUBLIC_CACHE_SECONDS.catalog);
    const category = await ctx.loaders.categoryById.load(product.categoryId);
    if (!category) throw new Error(`Product ${product.id} has no category ${product.categoryId}`);
    return category;
  }
}
