import { Ctx, Directive, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { cachePublicly, PUBLIC_CACHE_SECONDS } from '@shop/federation';
import type { ProductsContext } from '../context';
import { Category } from './category.type';

@Resolver(() => Category)
export class CategoryResolver {
  @Directive('@listSize(assumedSize: 50)')
  @Query(() => [Category], {
    description: 'Every category, by name; follow parent/children for the tree.',
  })
  categories(@Ctx() ctx: ProductsContext, @Info() info: GraphQLResolveInfo): Promise<Category[]> {
    cachePublicly(info, PUBLIC_CACHE_SECONDS.catalog);
    return ctx.services.categories.list();
  }

  @FieldResolver(() => Category, { nullable: true })
  parent(
    @Root() category: Category,
    @Ctx() ctx: ProductsContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Category | null> {
    cachePublicly(info, PUBLIC_CACHE_SECONDS.catalog);
    return category.parentId
      ? ctx.loaders.categoryById.load(category.parentId)
      : Promise.resolve(null);
  }

  @Directive('@listSize(assumedSize: 10)')
  @FieldResolver(() => [Category])
  children(
    @Root() category: Category,
    @Ctx() ctx: ProductsContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Category[]> {
    cachePublicly(info, PUBLIC_CACHE_SECONDS.catalog);
    return ctx.loaders.childrenByParentId.load(category.id);
  }
}
