import { isUuid, MAX_MONEY_AMOUNT, Money } from '@shop/federation';
import { BadUserInputError, NotFoundError } from '@shop/platform';
import { SQL_NOW, tableOf, type Database, type Prisma } from '../db';
import type { Cart } from './cart.type';

/** The most of one product a cart line holds. */
export const MAX_QUANTITY = 999;

/** The store's currency, for the subtotal of an empty cart (the catalogue prices in USD). */
const DEFAULT_CURRENCY = 'USD';

interface CartLineRow {
  productId: string;
  quantity: number;
  amount: number;
  currency: string;
}

/** An archived product: readable by id, but no longer put in a cart or bought. */
export function noLongerSold(name: string, advice?: string): BadUserInputError {
  return new BadUserInputError(`${name} is no longer sold${advice ? `: ${advice}` : ''}`, {
    field: 'productId',
  });
}

function assertQuantity(quantity: number, min: number): void {
  if (!Number.isInteger(quantity) || quantity < min || quantity > MAX_QUANTITY) {
    throw new BadUserInputError(`quantity must be a whole number from ${min} to ${MAX_QUANTITY}`, {
      field: 'quantity',
    });
  }
}

/**
 * Carts, priced from the ProductPrice projection (see ProductPriceService for
 * why prices are a local projection rather than a call to products).
 */
export class CartService {
  constructor(private readonly db: Database) {}

  /** The user's cart, made empty on first use, so its id is stable from the first read. */
  async cartOf(userId: string): Promise<Cart> {
    const cartId = await this.ensureCart(this.db.prisma, userId);
    return this.read(cartId);
  }

  /**
   * Adds to the product's line, or starts it. One statement increments the
   * line, so concurrent adds of the same product all count; it refuses to pass
   * MAX_QUANTITY or MAX_MONEY_AMOUNT, and then the transaction writes nothing.
   */
  async add(userId: string, productId: string, quantity: number): Promise<Cart> {
    assertQuantity(quantity, 1);
    if (!isUuid(productId)) throw new NotFoundError('Product not found');
    const known = await this.db.prisma.productPrice.findUnique({
      select: { name: true, archived: true },
      where: { productId },
    });
    if (!known) throw new NotFoundError('Product not found');
    if (known.archived) throw noLongerSold(known.name);
    const items = tableOf(this.db, 'CartItem');
    const cartId = await this.db.prisma.$transaction(async (tx) => {
      const id = await this.ensureCart(tx, userId);
      const written = await tx.$executeRaw`
        INSERT INTO ${items} AS i ("cartId", "productId", "quantity")
        VALUES (${id}::uuid, ${productId}::uuid, ${quantity})
        ON CONFLICT ("cartId", "productId") DO UPDATE SET "quantity" = i."quantity" + EXCLUDED."quantity"
        WHERE i."quantity" + EXCLUDED."quantity" <= ${MAX_QUANTITY}`;
      if (written === 0) {
        throw new BadUserInputError(`A cart line holds at most ${MAX_QUANTITY} of a product`, {
          field: 'quantity',
        });
      }
      await this.assertWithinMoneyBound(tx, id);
      return id;
    });
    return this.read(cartId);
  }

  /**
   * Sets a line's quantity; 0 removes the line. A product not in the cart is
   * NOT_FOUND. Raising a quantity may not take the cart past
   * MAX_MONEY_AMOUNT; lowering one always goes through, so a cart whose
   * prices rose past it can be brought back under.
   */
  async update(userId: string, productId: string, quantity: number): Promise<Cart> {
    assertQuantity(quantity, 0);
    const notInCart = new NotFoundError('This product is not in the cart');
    if (!isUuid(productId)) throw notInCart;
    const carts = tableOf(this.db, 'Cart');
    const cartId = await this.db.prisma.$transaction(async (tx) => {
      // The cart's row lock: writes to one cart take turns, so each checks the total the others left.
      const [cart] = await tx.$queryRaw<{ id: string }[]>`
        SELECT "id"::text FROM ${carts} WHERE "userId" = ${userId}::uuid FOR UPDATE`;
      if (!cart) throw notInCart;
      const line = { cartId_productId: { cartId: cart.id, productId } };
      const current = await tx.cartItem.findUnique({ select: { quantity: true }, where: line });
      if (!current) throw notInCart;
      if (quantity === 0) {
        await tx.cartItem.delete({ where: line });
      } else {
        await tx.cartItem.update({ where: line, data: { quantity } });
        if (quantity > current.quantity) await this.assertWithinMoneyBound(tx, cart.id);
      }
      return cart.id;
    });
    return this.read(cartId);
  }

  /**
   * BAD_USER_INPUT when the cart's lines of one currency total more than
   * MAX_MONEY_AMOUNT, summed in 64 bits so the sum itself cannot overflow.
   * Called after a write in the write's transaction, which holds the cart's
   * row lock: concurrent adds to one cart cannot pass the bound together.
   */
  private async assertWithinMoneyBound(
    tx: Prisma.TransactionClient,
    cartId: string,
  ): Promise<void> {
    const [over] = await tx.$queryRaw<{ currency: string }[]>`
      SELECT p."currency"
        FROM ${tableOf(this.db, 'CartItem')} i
        JOIN ${tableOf(this.db, 'ProductPrice')} p ON p."productId" = i."productId"
       WHERE i."cartId" = ${cartId}::uuid
       GROUP BY p."currency"
      HAVING sum(i."quantity"::bigint * p."amount") > ${MAX_MONEY_AMOUNT}
       LIMIT 1`;
    if (over) {
      throw new BadUserInputError(
        `A cart may total at most ${MAX_MONEY_AMOUNT} minor units of ${over.currency}`,
        { field: 'quantity', maxAmount: MAX_MONEY_AMOUNT },
      );
    }
  }

  /** The cart's id, inserting the cart if the user has none; safe when two requests race. */
  private async ensureCart(client: Prisma.TransactionClient, userId: string): Promise<string> {
    const carts = tableOf(this.db, 'Cart');
    // DO UPDATE rather than DO NOTHING so that RETURNING yields the existing row too.
    const [row] = await client.$queryRaw<{ id: string }[]>`
      INSERT INTO ${carts} AS c ("id", "userId", "updatedAt")
      VALUES (gen_random_uuid(), ${userId}::uuid, ${SQL_NOW})
      ON CONFLICT ("userId") DO UPDATE SET "userId" = c."userId"
      RETURNING "id"::text`;
    if (!row) throw new Error(`No cart could be made for user ${userId}`);
    return row.id;
  }

  private async read(cartId: string): Promise<Cart> {
    const lines = await this.db.prisma.$queryRaw<CartLineRow[]>`
      SELECT i."productId"::text, i."quantity", p."amount", p."currency"
        FROM ${tableOf(this.db, 'CartItem')} i
        JOIN ${tableOf(this.db, 'ProductPrice')} p ON p."productId" = i."productId"
       WHERE i."cartId" = ${cartId}::uuid
       ORDER BY i."addedAt", i."productId"`;
    // One currency per subtotal: the seed and the catalogue price in USD, and
    // adding amounts of different currencies would be meaningless.
    const currency = lines[0]?.currency ?? DEFAULT_CURRENCY;
    const subtotal = lines
      .filter((line) => line.currency === currency)
      .reduce((sum, line) => sum + line.quantity * line.amount, 0);
    return {
      id: cartId,
      items: lines.map((line) => ({ product: { id: line.productId }, quantity: line.quantity })),
      // Writes keep the sum within MAX_MONEY_AMOUNT, but a price raised later can take it past:
      // the cart still reads (capped, as its description says), and checkout refuses it.
      subtotal: Money.of(Math.min(subtotal, MAX_MONEY_AMOUNT), currency),
    };
  }
}
