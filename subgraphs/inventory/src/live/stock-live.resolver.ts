import {
  Arg,
  Ctx,
  Directive,
  ID,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { liveTopics, type LivePayload } from '@shop/events';
import { requireAdmin, uuidOf } from '@shop/federation';
import type { InventoryContext } from '../context';
import { InventoryChange } from './inventory-change.type';
import { LowStockAlert } from './low-stock-alert.type';

type SubscribeData<Args = Record<string, never>> = SubscribeResolverData<
  unknown,
  Args,
  InventoryContext
>;

/**
 * Stock as it changes. Each event is resolved with a context of its own
 * (the subgraph server builds one per event), so its loaders read fresh rows.
 */
@Resolver()
export class StockLiveResolver {
  @Subscription(() => InventoryChange, {
    description:
      "The product's availability after every change of its stock (restock, reservation, release, sale).",
    subscribe: ({ args, context }: SubscribeData<{ productId: string }>) =>
      context.pubSub.subscribe(liveTopics.inventoryChanged(uuidOf(args.productId, 'productId'))),
  })
  async inventoryChanged(
    @Root() event: LivePayload<'inventoryChanged'>,
    @Arg('productId', () => ID, { description: 'Any product id (a UUID).' }) _productId: string,
    @Ctx() ctx: InventoryContext,
  ): Promise<InventoryChange> {
    const { productId, available, inStock } = await ctx.loaders.inventoryByProductId.load(
      event.data.productId,
    );
    return { productId, available, inStock, product: { id: productId } };
  }

  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Subscription(() => LowStockAlert, {
    description:
      'Every change of stock that leaves a product at or below its low-stock threshold. ADMIN only.',
    subscribe: ({ context }: SubscribeData) => {
      requireAdmin(context.identity);
      return context.pubSub.subscribe(liveTopics.lowStockAlert());
    },
  })
  lowStockAlert(@Root() event: LivePayload<'lowStockAlert'>): LowStockAlert {
    // The alert is about the moment of the change, so it reports that moment,
    // not the stock as it may be by now.
    const { productId, available, threshold } = event.data;
    return { productId, available, threshold, product: { id: productId } };
  }
}
