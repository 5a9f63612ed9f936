import { Arg, Ctx, Directive, ID, Mutation, Resolver } from 'type-graphql';
import { requireService } from '@shop/federation';
import type { InventoryContext } from '../context';
import { announceStockChanged } from '../stock/stock-announcements';
import { ReserveStockInput } from './reserve-stock.input';
import { Reservation } from './reservation.type';

/** The scope the orders subgraph's checkout saga signs its calls with. */
const RESERVE_SCOPE = 'inventory:reserve';

/** The reservation, once the stock change it made (if any) is announced. */
async function announced(ctx: InventoryContext, reservation: Reservation): Promise<Reservation> {
  await announceStockChanged(
    ctx,
    reservation.lines.map((line) => line.productId),
  );
  return reservation;
}

// Not in the public supergraph: only the checkout saga holds, commits, releases and returns stock.
@Resolver(() => Reservation)
export class ReservationResolver {
  @Directive('@inaccessible')
  @Mutation(() => Reservation, {
    description:
      'Holds every line or none (OUT_OF_STOCK with the productId short); idempotent by key. Services with inventory:reserve only.',
  })
  async reserveStock(
    @Arg('input', () => ReserveStockInput) input: ReserveStockInput,
    @Ctx() ctx: InventoryContext,
  ): Promise<Reservation> {
    requireService(ctx.identity, RESERVE_SCOPE);
    return announced(
      ctx,
      await ctx.services.reservations.reserve({ ...input, correlationId: ctx.requestId }),
    );
  }

  @Directive('@inaccessible')
  @Mutation(() => Reservation, {
    description:
      'Gives a held reservation back; releasing again changes nothing. Services with inventory:reserve only.',
  })
  async releaseReservation(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: InventoryContext,
  ): Promise<Reservation> {
    requireService(ctx.identity, RESERVE_SCOPE);
    return announced(ctx, await ctx.services.reservations.release(id, ctx.requestId));
  }

  @Directive('@inaccessible')
  @Mutation(() => Reservation, {
    description:
      'The held units leave the stock; committing again changes nothing. Services with inventory:reserve only.',
  })
  async commitReservation(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: InventoryContext,
  ): Promise<Reservation> {
    requireService(ctx.identity, RESERVE_SCOPE);
    return announced(ctx, await ctx.services.reservations.commit(id, ctx.requestId));
  }

  @Directive('@inaccessible')
  @Mutation(() => Reservation, {
    description:
      'The committed units come back on hand (a paid order cancelled before it shipped; a hold not committed yet is released); returning again changes nothing. Services with inventory:reserve only.',
  })
  async returnReservation(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: InventoryContext,
  ): Promise<Reservation> {
    requireService(ctx.identity, RESERVE_SCOPE);
    return announced(ctx, await ctx.services.reservations.returnGoods(id, ctx.requestId));
  }
}
