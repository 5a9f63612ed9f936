import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { ProductsContext } from '../context';
import { Category } from './category.type';

@Resolver(() => Category)
export class CategoryResolver {
  @Query(() => [Category], {
    description: 'Every category, by name; follow parent/children for the tree.',
  })
  categories(@Ctx() ctx: ProductsContext): Promise<Category[]> {
    return ctx.services.categories.list();
  }

  @FieldResolver(() => Category, { nullable: true })
  parent(@Root() category: Category, @Ctx() ctx: ProductsContext): Promise<Category | null> {
    return category.parentId
      ? ctx.loaders.categoryById.load(category.parentId)
      : Promise.resolve(null);
  }

  @FieldResolver(() => [Category])
  children(@Root() category: Category, @Ctx() ctx: ProductsContext): Promise<Category[]> {
    return ctx.loaders.childrenByParentId.load(category.id);
  }
}
