import {
  Arg,
  Ctx,
  ID,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { liveTopics, type LivePayload } from '@shop/events';
import { NotFoundError } from '@shop/platform';
import type { ProductsContext } from '../context';
import { Product } from '../product/product.type';

/**
 * Products as they change. Each event is resolved with a context of its own
 * (the subgraph server builds one per event), so its loaders read fresh rows.
 */
@Resolver()
export class ProductLiveResolver {
  @Subscription(() => Product, {
    description: 'The product after every change of its price; NOT_FOUND for an unknown id.',
    subscribe: async ({
      args,
      context,
    }: SubscribeResolverData<unknown, { productId: string }, ProductsContext>) => {
      const [product] = await context.services.products.byIds([args.productId]);
      if (!product) throw new NotFoundError('Product not found');
      return context.pubSub.subscribe(liveTopics.priceChanged(product.id));
    },
  })
  async priceChanged(
    @Root() event: LivePayload<'priceChanged'>,
    @Arg('productId', () => ID, { description: 'The product to follow.' }) _productId: string,
    @Ctx() ctx: ProductsContext,
  ): Promise<Product> {
    const product = await ctx.loaders.productById.load(event.data.productId);
    if (!product) throw new NotFoundError('Product not found');
    return product;
  }
}
