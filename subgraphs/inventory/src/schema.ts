import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '@shop/federation';
import { StockLiveResolver } from './live/stock-live.resolver';
import { ProductInventoryResolver } from './product/product-inventory.resolver';
import { resolveProductReference } from './product/product.reference';
import { ProductStub } from './product/product.stub';
import { ReservationResolver } from './reservation/reservation.resolver';
import { StockResolver } from './stock/stock.resolver';
import { resolveWarehouseReference } from './warehouse/warehouse.reference';
import { WarehouseResolver } from './warehouse/warehouse.resolver';

export function buildInventorySchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [
      ProductInventoryResolver,
      ReservationResolver,
      StockResolver,
      StockLiveResolver,
      WarehouseResolver,
    ],
    // Product is reached only through _entities, which type-graphql does not see.
    orphanedTypes: [ProductStub],
    referenceResolvers: {
      Product: resolveProductReference,
      Warehouse: resolveWarehouseReference,
    },
  });
}
