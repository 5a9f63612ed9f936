import { isUuid, Money } from '@shop/federation';
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
   * MAX_QUANTITY, and then the transaction writes nothing.
   */
  async add(userId: string, productId: string, quantity: number): Promise<Cart> {
    assertQuantity(quantity, 1);
    if (!isUuid(productId)) throw new NotFoundError('Product not found');
    const known = await this.db.prisma.productPrice.findUnique({
      select: { productId: true },
      where: { productId },
    });
    if (!known) throw new NotFoundError('Product not found');
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
      return id;
    });
    return this.read(cartId);
  }

  /** Sets a line's quantity; 0 removes the line. A product not in the cart is NOT_FOUND. */
  async update(userId: string, productId: string, quantity: number): Promise<Cart> {
    assertQuantity(quantity, 0);
    const notInCart = new NotFoundError('This product is not in the cart');
    if (!isUuid(productId)) throw notInCart;
    const cart = await this.db.prisma.cart.findUnique({ select: { id: true }, where: { userId } });
    if (!cart) throw notInCart;
    const line = { cartId: cart.id, productId };
    const { count } =
      quantity === 0
        ? await this.db.prisma.cartItem.deleteMany({ where: line })
        : await this.db.prisma.cartItem.updateMany({ where: line, data: { quantity } });
    if (count === 0) throw notInCart;
    return this.read(cart.id);
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
      subtotal: Money.of(subtotal, currency),
    };
  }
}
