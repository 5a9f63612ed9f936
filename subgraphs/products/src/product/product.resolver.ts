import {
  Arg,
  Ctx,
  Directive,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { MoneyInput, requireAdmin } from '@shop/federation';
import { Category } from '../category/category.type';
import type { ProductsContext } from '../context';
import { ProductConnection } from './product.connection';
import { CreateProductInput, ProductFilter } from './product.input';
import { cacheWritten } from './product.loader';
import { Product } from './product.type';

@Resolver(() => Product)
export class ProductResolver {
  @Query(() => Product, { nullable: true, description: 'null when no product has this id.' })
  product(@Arg('id', () => ID) id: string, @Ctx() ctx: ProductsContext): Promise<Product | null> {
    return ctx.loaders.productById.load(id);
  }

  @Query(() => Product, { nullable: true })
  productBySlug(@Arg('slug') slug: string, @Ctx() ctx: ProductsContext): Promise<Product | null> {
    return ctx.services.products.bySlug(slug);
  }

  @Query(() => ProductConnection, { description: 'Products by name; first is 1..100.' })
  products(
    @Arg('first', () => Int) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Arg('filter', () => ProductFilter, { nullable: true }) filter: ProductFilter | undefined,
    @Ctx() ctx: ProductsContext,
  ): Promise<ProductConnection> {
    return ctx.services.products.list(first, after ?? undefined, filter ?? undefined);
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
    return cacheWritten(
      ctx.loaders.productById,
      await ctx.services.products.updatePrice(productId, price, ctx.requestId),
    );
  }

  @FieldResolver(() => Category)
  async category(@Root() product: Product, @Ctx() ctx: ProductsContext): Promise<Category> {
    const category = await ctx.loaders.categoryById.load(product.categoryId);
    if (!category) throw new Error(`Product ${product.id} has no category ${product.categoryId}`);
    return category;
  }
}
