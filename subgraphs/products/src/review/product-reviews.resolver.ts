import { Arg, Ctx, Directive, FieldResolver, Info, Int, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { cachePublicly, PUBLIC_CACHE_SECONDS } from '@shop/federation';
import type { ProductsContext } from '../context';
import { Product } from '../product/product.type';
import { ReviewConnection } from './review.connection';

@Resolver(() => Product)
export class ProductReviewsResolver {
  @Directive('@listSize(slicingArguments: ["first"], sizedFields: ["edges"])')
  @FieldResolver(() => ReviewConnection, { description: 'Newest first; first is 1..100.' })
  async reviews(
    @Root() product: Product,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: ProductsContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ReviewConnection> {
    cachePublicly(info, PUBLIC_CACHE_SECONDS.catalog);
    const reviews = ctx.services.reviews;
    const rows = after
      ? await reviews.page(product.id, first, after)
      : await ctx.loaders.firstReviewPage(first).load(product.id);
    return reviews.toConnection(rows, first, product.reviewCount, after ?? undefined);
  }
}
