import DataLoader from 'dataloader';
import type { ReviewRow, ReviewService } from './review.service';

/** One DataLoader per page size, so products asking for the same page share a query. */
export function createReviewLoaders(service: ReviewService) {
  const byPageSize = new Map<number, DataLoader<string, ReviewRow[]>>();
  return {
    firstReviewPage(first: number): DataLoader<string, ReviewRow[]> {
      let loader = byPageSize.get(first);
      if (!loader) {
        loader = new DataLoader(async (productIds: readonly string[]) => {
          const pages = await service.firstPages(productIds, first);
          return productIds.map((id) => pages.get(id) ?? []);
        });
        byPageSize.set(first, loader);
      }
      return loader;
    },
  };
}
