import { groupedLoader, keyedLoader } from '@shop/federation';
import type { CategoryRow, CategoryService } from './category.service';

export function createCategoryLoaders(service: CategoryService) {
  return {
    categoryById: keyedLoader<string, CategoryRow>(
      (ids) => service.byIds(ids),
      (row) => row.id,
    ),
    childrenByParentId: groupedLoader<string, CategoryRow>(
      (ids) => service.childrenOf(ids),
      (row) => row.parentId as string,
    ),
  };
}
