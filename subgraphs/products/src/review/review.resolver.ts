import { Arg, Ctx, Directive, FieldResolver, Info, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { announceEntityChanged } from '@shop/events';
import { cachePublicly, PUBLIC_CACHE_SECONDS, requireUser } from '@shop/federation';
import type { ProductsContext } from '../context';
import { cacheWritten } from '../product/product.loader';
import { Product } from '../product/product.type';
import { AddReviewInput } from './review.input';
import { Review } from './review.type';

@Resolver(() => Review)
export class ReviewResolver {
  @Directive('@authenticated')
  @Mutation(() => Review, {
    description:
      'Reviews a product from one of your delivered orders (FORBIDDEN otherwise); one review per product.',
  })
  async addReview(
    @Arg('input', () => AddReviewInput) input: AddReviewInput,
    @Ctx() ctx: ProductsContext,
  ): Promise<Review> {
    const { userId } = requireUser(ctx.identity);
    const { review, product } = await ctx.services.reviews.add(userId, input);
    // Its rating, count and first page of reviews changed for every reader.
    await announceEntityChanged(ctx.pubSub, 'Product', product.id, ctx.log);
    // review.product then shows the totals this review changed.
    cacheWritten(ctx.loaders.productById, product);
    return review;
  }

  @FieldResolver(() => Product)
  async product(
    @Root() review: Review,
    @Ctx() ctx: ProductsContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Product> {
    cachePublicly(info, PUBLIC_CACHE_SECONDS.catalog);
    const product = await ctx.loaders.productById.load(review.productId);
    if (!product) throw new Error(`Review ${review.id} has no product ${review.productId}`);
    return product;
  }
}
