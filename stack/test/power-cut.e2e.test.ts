import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '@shop/platform';
import { descendantsOf, eventually, graphqlRequest, isRunning } from '@shop/testing';
import {
  AddToCartDocument,
  CheckoutDocument,
  ProductPageDocument,
  SearchDocument,
  UpdateCartItemDocument,
  UpdatePriceDocument,
} from '../../clients/generated/operations';
import {
  addToCart,
  checkoutInput,
  newShopper,
  newShoppers,
  signInAdmin,
  stockedProduct,
  type Shopper,
} from './support/shop';
import { startStackProcess, type StackProcess } from './support/stack-process';

const ROUNDS = 5;
const PRODUCTS = 3;
const SHOPPERS_PER_ROUND = 6;
/** Kill once this many checkouts were answered PAID and this many prices acknowledged in the round. */
const PAID_BEFORE_KILL = 2;
const PRICES_BEFORE_KILL = 4;

interface PriceLedger {
  /** The last price an updatePrice answered without an error. */
  acknowledged: number;
  /** A price sent and not answered when the power went: it may or may not have committed. */
  inFlight?: number;
}

/**
 * `npm start`, killed whole with SIGKILL — every service, the supervisor,
 * the PostgreSQL server and its backends at once — while checkouts run and
 * an ADMIN changes prices, then started again on the same data. What was
 * answered must have survived: every acknowledged price reached every copy
 * (orders' projection that prices carts, search's index, the product page),
 * every order answered PAID is PAID with its payment captured and its stock
 * committed, no event is left unconsumed, and no stock is negative.
 */
describe('a power cut under load (npm start killed whole with SIGKILL)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-power-cut-'));
  let stack: StackProcess | undefined;
  let dbPort: number;
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const databaseOf = (name: string) => `postgresql://postgres@127.0.0.1:${dbPort}/shop_${name}`;

  async function query<Row extends object>(database: string, sql: string, params: unknown[] = []) {
    const client = new pg.Client({ connectionString: databaseOf(database) });
    await client.connect();
    try {
      return (await client.query<Row>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  it(`keeps every acknowledged change through ${ROUNDS} power cuts`, async () => {
    dbPort = await freePort();
    const start = () => startStackProcess(dataDir, { EMBEDDED_DB_PORT: String(dbPort) });
    stack = await start();
    let admin = await signInAdmin(stack.url);
    const products: { id: string; name: string }[] = [];
    for (let index = 0; index < PRODUCTS; index++) {
      products.push(
        await stockedProduct(stack.url, admin, {
          name: `Power cut ${index}`,
          price: 1_000 + index,
          units: [200],
        }),
      );
    }
    const prices = new Map<string, PriceLedger>(
      products.map((product, index) => [product.id, { acknowledged: 1_000 + index }]),
    );
    const paid: { orderId: string; shopper: Shopper }[] = [];
    const checker = await newShopper(stack.url, 'Checker');

    for (let round = 1; round <= ROUNDS; round++) {
      const url = stack.url;
      const shoppers = await newShoppers(
        url,
        Array.from({ length: SHOPPERS_PER_ROUND }, (_, index) => `Round ${round} shopper ${index}`),
      );
      for (const [index, shopper] of shoppers.entries()) {
        await addToCart(url, shopper, products[index % PRODUCTS]!.id, 1 + (index % 2));
      }

      // The load: every shopper checks out at once, while the ADMIN changes prices one after another.
      let paidThisRound = 0;
      let pricesThisRound = 0;
      let cut = false;
      const checkouts = shoppers.map(async (shopper) => {
        const result = await graphqlRequest(
          url,
          CheckoutDocument,
          checkoutInput(shopper),
          shopper.headers,
        ).catch(() => undefined);
        const order = result?.data?.checkout;
        if (!cut && order?.status === 'PAID') {
          paid.push({ orderId: order.id, shopper });
          paidThisRound++;
        }
      });
      const repricing = (async () => {
        for (let step = 0; !cut; step++) {
          const product = products[step % PRODUCTS]!;
          const ledger = prices.get(product.id)!;
          const amount = 2_000 + round * 100 + step;
          ledger.inFlight = amount;
          const result = await graphqlRequest(
            url,
            UpdatePriceDocument,
            { productId: product.id, price: { amount, currency: 'USD' } },
            admin,
          ).catch(() => undefined);
          if (cut) return;
          if (result && !result.errors) {
            ledger.acknowledged = amount;
            ledger.inFlight = undefined;
            pricesThisRound++;
          }
        }
      })();
      await eventually(() => {
        if (paidThisRound < PAID_BEFORE_KILL || pricesThisRound < PRICES_BEFORE_KILL) {
          throw new Error(
            `round ${round}: ${paidThisRound} paid, ${pricesThisRound} prices so far`,
          );
        }
      }, 120_000);

      // The power cut: everything at once, the supervisor included.
      const pids = [stack.child.pid!, ...descendantsOf(stack.child.pid!)];
      cut = true;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      await eventually(() => {
        const running = pids.filter(isRunning);
        if (running.length > 0) throw new Error(`still running: ${running.join(', ')}`);
      }, 30_000);
      await Promise.all([...checkouts, repricing]);

      stack = await start();
      admin = await signInAdmin(stack.url);
      await expectEverythingKept(stack.url);
    }

    async function expectEverythingKept(url: string) {
      for (const product of products) {
        const ledger = prices.get(product.id)!;
        const page = await graphqlRequest(url, ProductPageDocument, { id: product.id });
        const price = page.data!.product!.price.amount;
        // What was answered stands; what was in flight may have committed or not, never half.
        expect([ledger.acknowledged, ledger.inFlight]).toContain(price);
        ledger.acknowledged = price;
        ledger.inFlight = undefined;
        // Orders' projection prices the cart with it.
        await eventually(async () => {
          const added = await graphqlRequest(
            url,
            AddToCartDocument,
            { productId: product.id, quantity: 1 },
            checker.headers,
          );
          await graphqlRequest(
            url,
            UpdateCartItemDocument,
            { productId: product.id, quantity: 0 },
            checker.headers,
          );
          expect(added.data?.addToCart.subtotal.amount).toBe(price);
        }, 30_000);
        // Search's index finds it at exactly that price.
        await eventually(async () => {
          const found = await graphqlRequest(url, SearchDocument, {
            query: product.name,
            filter: { minPrice: price, maxPrice: price },
            first: 5,
          });
          expect(found.data?.search.edges.map((edge) => edge.node.id)).toContain(product.id);
        }, 30_000);
      }

      const orderIds = paid.map((order) => order.orderId);
      const orders = await query<{ id: string; status: string }>(
        'orders',
        'SELECT id::text, status::text FROM orders."Order" WHERE id = ANY($1::uuid[])',
        [orderIds],
      );
      expect(orders).toHaveLength(orderIds.length);
      expect(orders.every((order) => order.status === 'PAID')).toBe(true);
      const payments = await query<{ orderId: string }>(
        'payments',
        `SELECT "orderId"::text FROM payments."Payment" WHERE "orderId" = ANY($1::uuid[]) AND status = 'SUCCEEDED'`,
        [orderIds],
      );
      expect(new Set(payments.map((payment) => payment.orderId))).toEqual(new Set(orderIds));
      // Their holds are committed once inventory hears OrderPaid (delivered again after the cut).
      await eventually(async () => {
        const reservations = await query<{ orderId: string }>(
          'inventory',
          `SELECT "orderId"::text FROM inventory."Reservation" WHERE "orderId" = ANY($1::uuid[]) AND status = 'COMMITTED'`,
          [orderIds],
        );
        expect(new Set(reservations.map((reservation) => reservation.orderId))).toEqual(
          new Set(orderIds),
        );
      }, 30_000);

      const [stock] = await query<{ negative: string }>(
        'inventory',
        `SELECT count(*) AS negative FROM inventory."StockLevel"
          WHERE "onHand" < 0 OR reserved < 0 OR reserved > "onHand"`,
      );
      expect(Number(stock!.negative)).toBe(0);

      // Every outbox published, every event consumed, and the products' stock flag caught up.
      await eventually(async () => {
        for (const subgraph of ['products', 'orders', 'payments', 'inventory']) {
          const [unpublished] = await query<{ count: string }>(
            subgraph,
            `SELECT count(*) FROM ${subgraph}."OutboxEvent" WHERE "publishedAt" IS NULL`,
          );
          expect({ subgraph, unpublished: Number(unpublished!.count) }).toEqual({
            subgraph,
            unpublished: 0,
          });
        }
        expect(await unconsumedEvents()).toEqual([]);
        const available = await query<{ productId: string; available: number }>(
          'inventory',
          `SELECT "productId"::text, SUM(GREATEST("onHand" - reserved, 0))::int AS available
             FROM inventory."StockLevel" WHERE "productId" = ANY($1::uuid[]) GROUP BY "productId"`,
          [products.map((product) => product.id)],
        );
        const flags = await query<{ productId: string; inStock: boolean }>(
          'products',
          `SELECT "productId"::text, "inStock" FROM products."ProductStock" WHERE "productId" = ANY($1::uuid[])`,
          [products.map((product) => product.id)],
        );
        for (const { productId, available: units } of available) {
          expect(flags.find((flag) => flag.productId === productId)?.inStock).toBe(units > 0);
        }
      }, 60_000);
    }

    /** Per stream and consumer group, what was published and not yet handed out or acknowledged. */
    async function unconsumedEvents(): Promise<unknown[]> {
      return query(
        'events',
        `SELECT g.stream, g.consumer_group, s.last_id - g.last_delivered_id AS undelivered,
                (SELECT count(*) FROM events.event_pending p
                  WHERE p.stream = g.stream AND p.consumer_group = g.consumer_group)::int AS pending
           FROM events.event_group g JOIN events.event_stream s ON s.stream = g.stream
          WHERE s.last_id > g.last_delivered_id
             OR EXISTS (SELECT 1 FROM events.event_pending p
                         WHERE p.stream = g.stream AND p.consumer_group = g.consumer_group)`,
      );
    }
  }, 900_000);
});
