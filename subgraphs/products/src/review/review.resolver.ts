import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { ProductsContext } from '../context';
import { Product } from '../product/product.type';
import { Review } from './review.type';

@Resolver(() => Review)
export class ReviewResolver {
  @FieldResolver(() => Product)
  async product(@Root() review: Review, @Ctx() ctx: ProductsContext): Promise<Product> {
    const product = await ctx.loaders.productById.load(review.productId);
    if (!product) throw new Error(`Review ${review.id} has no product ${review.productId}`);
    return product;
  }
}
