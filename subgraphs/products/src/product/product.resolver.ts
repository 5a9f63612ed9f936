import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { Category } from '../category/category.type';
import type { ProductsContext } from '../context';
import { ProductConnection } from './product.connection';
import { ProductFilter } from './product.input';
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

  @FieldResolver(() => Category)
  async category(@Root() product: Product, @Ctx() ctx: ProductsContext): Promise<Category> {
    const category = await ctx.loaders.categoryById.load(product.categoryId);
    if (!category) throw new Error(`Product ${product.id} has no category ${product.categoryId}`);
    return category;
  }
}
