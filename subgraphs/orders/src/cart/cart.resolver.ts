import { Arg, Ctx, Directive, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { requireUser } from '@shop/federation';
import type { OrdersContext } from '../context';
import { Cart } from './cart.type';

@Resolver(() => Cart)
export class CartResolver {
  @Directive('@authenticated')
  @Query(() => Cart, {
    nullable: true,
    description: "The caller's cart; empty, with a stable id, before anything is added.",
  })
  cart(@Ctx() ctx: OrdersContext): Promise<Cart> {
    const user = requireUser(ctx.identity);
    return ctx.services.carts.cartOf(user.userId);
  }

  @Directive('@authenticated')
  @Mutation(() => Cart, {
    description:
      'Adds quantity (1..999) of a product to the caller’s cart, to its line if there is one; BAD_USER_INPUT past 999 a line or a cart total of 2147483647 minor units.',
  })
  addToCart(
    @Arg('productId', () => ID) productId: string,
    @Arg('quantity', () => Int) quantity: number,
    @Ctx() ctx: OrdersContext,
  ): Promise<Cart> {
    const user = requireUser(ctx.identity);
    return ctx.services.carts.add(user.userId, productId, quantity);
  }

  @Directive('@authenticated')
  @Mutation(() => Cart, {
    description:
      'Sets the quantity (0..999) of a product in the caller’s cart; 0 removes it. A raise may not take the cart past 2147483647 minor units.',
  })
  updateCartItem(
    @Arg('productId', () => ID) productId: string,
    @Arg('quantity', () => Int) quantity: number,
    @Ctx() ctx: OrdersContext,
  ): Promise<Cart> {
    const user = requireUser(ctx.identity);
    return ctx.services.carts.update(user.userId, productId, quantity);
  }
}
