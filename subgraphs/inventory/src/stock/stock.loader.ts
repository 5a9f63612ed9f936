import DataLoader from 'dataloader';
import type { StockService } from './stock.service';
import type { ProductInventory } from './stock.type';

export function createStockLoaders(service: StockService) {
  return {
    inventoryByProductId: new DataLoader<string, ProductInventory>((productIds) =>
      service.inventoriesOf(productIds),
    ),
  };
}
