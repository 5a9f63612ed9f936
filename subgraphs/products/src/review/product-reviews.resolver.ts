import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { ProductsContext } from '../context';
import { Product } from '../product/product.type';
import { ReviewConnection } from './review.connection';

@Resolver(() => Product)
export class ProductReviewsResolver {
  @FieldResolver(() => ReviewConnection, { description: 'Newest first; first is 1..100.' })
  async reviews(
    @Root() product: Product,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: ProductsContext,
  ): Promise<ReviewConnection> {
    const reviews = ctx.services.reviews;
    const rows = after
      ? await reviews.page(product.id, first, after)
      : await ctx.loaders.firstReviewPage(first).load(product.id);
    return reviews.toConnection(rows, first, product.reviewCount, after ?? undefined);
  }
}
