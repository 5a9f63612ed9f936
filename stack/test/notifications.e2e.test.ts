import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { liveTopics, type EventEnvelope } from '@shop/events';
import {
  errorCodes,
  eventually,
  graphqlRequest,
  queryTestDatabase,
  wsClient,
  type TestWsClient,
} from '@shop/testing';
import {
  AddToCartDocument,
  AdvanceOrderDocument,
  CheckoutDocument,
  MarkNotificationsReadDocument,
  MyNotificationsDocument,
  NotificationDeliveriesDocument,
  NotificationDocument,
  NotificationPreferencesDocument,
  NotificationReceivedDocument,
  UpdateNotificationPreferencesDocument,
} from '../../clients/generated/operations';
import { untilListening } from './support/live';
import {
  checkoutInput,
  DECLINING_CARD,
  newShopper,
  restock,
  signInAdmin,
  stockedProduct,
  type Headers,
  type Shopper,
} from './support/shop';
import { startTestStack, type RunningStack } from './support/test-stack';

/** How soon after its event a notification must be in the mailbox and the feed. */
const VISIBLE_WITHIN_MS = 2_000;

/**
 * The notifications subgraph through the router, with every real subgraph,
 * Redis streams and pub/sub: checkout, shipping and preferences drive what
 * reaches the mailbox (the embedded e-mail channel), the feed and the
 * subscription, each once.
 */
describe('notifications through the router', () => {
  let stack: RunningStack;
  let admin: Headers;
  let product: { id: string; name: string };
  const clients: TestWsClient[] = [];
  const url = () => stack.router.url;
  const subgraph = (name: string) => stack.subgraphs.find((candidate) => candidate.name === name)!;
  const mailboxDir = () => stack.env.MAILBOX_DIR!;

  /** The mailbox's messages (raw .eml text) that mention this text. */
  const mailsWith = async (text: string) => {
    const files = await readdir(mailboxDir()).catch(() => [] as string[]);
    const mails = await Promise.all(
      files
        .filter((file) => file.endsWith('.eml'))
        .map((file) => readFile(path.join(mailboxDir(), file), 'utf8')),
    );
    return mails.filter((mail) => mail.includes(text));
  };

  const feedOf = async (shopper: Shopper) => {
    const result = await graphqlRequest(
      url(),
      MyNotificationsDocument,
      { first: 20 },
      shopper.headers,
    );
    expect(result.errors).toBeUndefined();
    return result.data!.me!.notifications!;
  };

  /** A paid order of the shopper: one unit of the test's product. */
  const placeOrder = async (shopper: Shopper) => {
    await eventually(async () => {
      const added = await graphqlRequest(
        url(),
        AddToCartDocument,
        { productId: product.id, quantity: 1 },
        shopper.headers,
      );
      expect(added.errors).toBeUndefined();
    });
    const placed = await graphqlRequest(
      url(),
      CheckoutDocument,
      checkoutInput(shopper),
      shopper.headers,
    );
    expect(placed.errors).toBeUndefined();
    expect(placed.data!.checkout.status).toBe('PAID');
    return placed.data!.checkout;
  };

  const ship = async (orderId: string) => {
    const shipped = await graphqlRequest(
      url(),
      AdvanceOrderDocument,
      { id: orderId, to: 'SHIPPED' },
      admin,
    );
    expect(shipped.errors).toBeUndefined();
  };

  /** The event orders wrote for this order, as its outbox holds it. */
  const orderEvent = async (type: string, orderId: string): Promise<EventEnvelope> => {
    const [row] = await queryTestDatabase<EventEnvelope & { occurredAt: Date }>(
      stack.env.DATABASE_URL_ORDERS!,
      `SELECT id::text, type, "aggregateId", version, "occurredAt", data, "correlationId"
         FROM "OutboxEvent" WHERE type = $1 AND "aggregateId" = $2`,
      [type, orderId],
    );
    expect(row).toBeDefined();
    return { ...row!, occurredAt: new Date(row!.occurredAt).toISOString() };
  };

  /** Whether the notifications subgraph has handled the event (whatever it made of it). */
  const handled = async (eventId: string) =>
    (
      await queryTestDatabase(
        stack.env.DATABASE_URL_NOTIFICATIONS!,
        `SELECT 1 FROM "ProcessedEvent" WHERE id = $1::uuid`,
        [eventId],
      )
    ).length === 1;

  beforeAll(async () => {
    stack = await startTestStack();
    admin = await signInAdmin(url());
    product = await stockedProduct(url(), admin, {
      name: 'Notified Kettle',
      price: 2_450,
      units: [100],
    });
  }, 90_000);
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(() => stack.stop());

  it('confirms a checkout once, in the mailbox and the feed within 2 s, even when its event arrives twice', async () => {
    const buyer = await newShopper(url(), 'Confirmed Buyer');
    const order = await placeOrder(buyer);
    const paidAt = Date.now();

    const [mail] = await eventually(async () => {
      const mails = await mailsWith(buyer.email);
      expect(mails).toHaveLength(1);
      return mails;
    }, VISIBLE_WITHIN_MS);
    const feed = await eventually(async () => {
      const current = await feedOf(buyer);
      expect(current.totalCount).toBe(1);
      return current;
    }, VISIBLE_WITHIN_MS);
    expect(Date.now() - paidAt).toBeLessThan(VISIBLE_WITHIN_MS);

    expect(feed.unreadCount).toBe(1);
    expect(feed.edges[0]!.node).toMatchObject({
      kind: 'ORDER_CONFIRMED',
      title: `Order #${order.number} is confirmed`,
      subjectId: order.id,
      readAt: null,
    });
    // The e-mail: the store's name, the order's number, its line and total in both parts.
    expect(mail).toContain(`Subject: Shop: Order #${order.number} is confirmed`);
    expect(mail).toContain('text/plain');
    expect(mail).toContain('text/html');
    expect(mail).toContain(product.name);
    expect(mail).toContain('$24.50');
    expect(mail).toMatch(/^Message-ID: <[0-9a-f-]{36}@shop\.localhost>$/m);

    // The same OrderPaid once more, then the order's next event: once that
    // is handled, the duplicate (ahead of it on the stream) was too.
    const paid = await orderEvent('OrderPaid', order.id);
    await subgraph('orders').bus.publish('orders.events', [paid]);
    await ship(order.id);
    const shippedEvent = await orderEvent('OrderShipped', order.id);
    await eventually(async () => expect(await handled(shippedEvent.id)).toBe(true));
    await eventually(async () => expect((await mailsWith(buyer.email)).length).toBe(2));
    const kinds = (await feedOf(buyer)).edges.map((edge) => edge.node.kind);
    expect(kinds).toEqual(['ORDER_SHIPPED', 'ORDER_CONFIRMED']);
  });

  it('notifies live over the subscription when the order ships', async () => {
    const buyer = await newShopper(url(), 'Live Notified Buyer');
    const order = await placeOrder(buyer);
    // The confirmation's live news is out before anyone listens: what follows is the shipping.
    await eventually(async () => {
      const [row] = await queryTestDatabase<{ count: string }>(
        stack.env.DATABASE_URL_NOTIFICATIONS!,
        `SELECT count(*) FROM "Delivery" d JOIN "Notification" n ON n.id = d."notificationId"
          WHERE n."userId" = $1::uuid AND d.channel = 'IN_APP' AND d.status = 'SENT'`,
        [buyer.userId],
      );
      expect(Number(row!.count)).toBe(1);
    });
    const client = wsClient(url(), { authorization: buyer.headers.authorization });
    clients.push(client);
    const subscription = client.subscribe(NotificationReceivedDocument);
    await untilListening(stack, liveTopics.notificationReceived(buyer.userId));

    await ship(order.id);
    const [event] = await subscription.take(1);
    expect(event!.errors).toBeUndefined();
    expect(event!.data!.notificationReceived).toMatchObject({
      kind: 'ORDER_SHIPPED',
      title: `Order #${order.number} has shipped`,
      subjectId: order.id,
      readAt: null,
    });
  });

  it('sends a user who turned e-mail and the feed off no shipping news, but still the confirmation', async () => {
    const buyer = await newShopper(url(), 'Quiet Buyer');
    const updated = await graphqlRequest(
      url(),
      UpdateNotificationPreferencesDocument,
      {
        input: [
          { channel: 'EMAIL', enabled: false },
          { channel: 'IN_APP', enabled: false },
        ],
      },
      buyer.headers,
    );
    expect(updated.errors).toBeUndefined();
    const preferences = await graphqlRequest(
      url(),
      NotificationPreferencesDocument,
      {},
      buyer.headers,
    );
    expect(preferences.data!.notificationPreferences).toEqual([
      { channel: 'EMAIL', enabled: false },
      { channel: 'IN_APP', enabled: false },
      { channel: 'SMS', enabled: false },
      { channel: 'PUSH', enabled: false },
    ]);

    const order = await placeOrder(buyer);
    await ship(order.id);
    const shippedEvent = await orderEvent('OrderShipped', order.id);
    await eventually(async () => expect(await handled(shippedEvent.id)).toBe(true));

    // Transactional: the confirmation came anyway, on both channels; the shipping news on none.
    const feed = await feedOf(buyer);
    expect(feed.edges.map((edge) => edge.node.kind)).toEqual(['ORDER_CONFIRMED']);
    await eventually(async () => expect(await mailsWith(buyer.email)).toHaveLength(1));
    const [rows] = await queryTestDatabase<{ count: string }>(
      stack.env.DATABASE_URL_NOTIFICATIONS!,
      `SELECT count(*) FROM "Notification" WHERE "userId" = $1::uuid AND kind = 'ORDER_SHIPPED'`,
      [buyer.userId],
    );
    expect(Number(rows!.count)).toBe(0);
  });

  it('tells a buyer whose card was declined once (not again as a cancellation), and ADMINs of low stock', async () => {
    const declined = await newShopper(url(), 'Declined Buyer', DECLINING_CARD);
    await eventually(async () => {
      const added = await graphqlRequest(
        url(),
        AddToCartDocument,
        { productId: product.id, quantity: 1 },
        declined.headers,
      );
      expect(added.errors).toBeUndefined();
    });
    const refused = await graphqlRequest(
      url(),
      CheckoutDocument,
      checkoutInput(declined),
      declined.headers,
    );
    expect(errorCodes(refused)).toEqual(['PAYMENT_DECLINED']);
    const [order] = await queryTestDatabase<{ number: number }>(
      stack.env.DATABASE_URL_ORDERS!,
      `SELECT "number" FROM "Order" WHERE "userId" = $1::uuid`,
      [declined.userId],
    );
    await eventually(async () => {
      const feed = await feedOf(declined);
      expect(feed.edges.map((edge) => edge.node.kind)).toEqual(['PAYMENT_DECLINED']);
      // The order named as its buyer knows it, though only payments announced the decline.
      expect(feed.edges[0]!.node.body).toContain(`order #${order!.number} was declined`);
    });
    const [cancelled] = await queryTestDatabase<{ id: string }>(
      stack.env.DATABASE_URL_ORDERS!,
      `SELECT id::text FROM "OutboxEvent" WHERE type = 'OrderCancelled' AND data->>'userId' = $1`,
      [declined.userId],
    );
    await eventually(async () => expect(await handled(cancelled!.id)).toBe(true));
    expect((await feedOf(declined)).totalCount).toBe(1);

    // Five units or fewer is low stock (the default threshold): every ADMIN hears of it, by
    // the product's name once products.events has brought it (another stream than inventory's).
    const scarce = await stockedProduct(url(), admin, {
      name: 'Scarce Teapot',
      price: 900,
      units: [],
    });
    await eventually(async () => {
      const [named] = await queryTestDatabase<{ name: string }>(
        stack.env.DATABASE_URL_NOTIFICATIONS!,
        `SELECT name FROM "ProductName" WHERE "productId" = $1::uuid`,
        [scarce.id],
      );
      expect(named?.name).toBe(scarce.name);
    });
    await restock(url(), admin, scarce.id, 0, 2);
    await eventually(async () => {
      const feed = await graphqlRequest(url(), MyNotificationsDocument, { first: 50 }, admin);
      expect(feed.data!.me!.notifications!.edges.map((edge) => edge.node)).toContainEqual(
        expect.objectContaining({
          kind: 'LOW_STOCK',
          subjectId: scarce.id,
          body: `${scarce.name} is down to 2 (threshold 5).`,
        }),
      );
    });
  });

  it('answers NOT_FOUND for another user’s notification, and marks only the user’s own read', async () => {
    const [owner, stranger] = await Promise.all([
      newShopper(url(), 'Feed Owner'),
      newShopper(url(), 'Feed Stranger'),
    ]);
    await placeOrder(owner);
    const feed = await eventually(async () => {
      const current = await feedOf(owner);
      expect(current.totalCount).toBe(1);
      return current;
    });
    const id = feed.edges[0]!.node.id;

    const read = await graphqlRequest(url(), NotificationDocument, { id }, stranger.headers);
    expect(errorCodes(read)).toEqual(['NOT_FOUND']);
    const marked = await graphqlRequest(
      url(),
      MarkNotificationsReadDocument,
      { ids: [id] },
      stranger.headers,
    );
    expect(errorCodes(marked)).toEqual(['NOT_FOUND']);
    expect((await feedOf(owner)).unreadCount).toBe(1);

    const own = await graphqlRequest(
      url(),
      MarkNotificationsReadDocument,
      { ids: [id] },
      owner.headers,
    );
    expect(own.data).toEqual({ markNotificationsRead: 1 });
    const after = await feedOf(owner);
    expect(after.unreadCount).toBe(0);
    expect(after.edges[0]!.node.readAt).not.toBeNull();
  });

  it('shows ADMINs the delivery log, and no one else; counts deliveries on /metrics', async () => {
    const log = await graphqlRequest(url(), NotificationDeliveriesDocument, { first: 50 }, admin);
    expect(log.errors).toBeUndefined();
    const sentEmail = log.data!.notificationDeliveries.find(
      (delivery) => delivery.channel === 'EMAIL' && delivery.status === 'SENT',
    );
    expect(sentEmail).toMatchObject({ attempts: 1, lastError: null });
    expect(sentEmail!.log).toEqual([expect.objectContaining({ attempt: 1, outcome: 'SENT' })]);

    const customer = await newShopper(url(), 'Log Reader');
    const refused = await graphqlRequest(
      url(),
      NotificationDeliveriesDocument,
      { first: 5 },
      customer.headers,
    );
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);

    const metrics = await (
      await fetch(subgraph('notifications').url.replace(/\/graphql$/, '/metrics'))
    ).text();
    expect(metrics).toMatch(/^notifications_sent_total\{[^}]*channel="EMAIL"[^}]*\} [1-9]/m);
    expect(metrics).toContain('notification_send_lag_seconds_bucket');
  });

  it('serves the mailbox read-only on the notifications subgraph', async () => {
    const base = subgraph('notifications').url.replace(/\/graphql$/, '/mailbox');
    const listing = await fetch(base);
    expect(listing.status).toBe(200);
    const html = await listing.text();
    const [file] = /[0-9a-f-]{36}\.eml/.exec(html) ?? [];
    expect(file).toBeDefined();
    const message = await fetch(`${base}?message=${file}`);
    expect(message.status).toBe(200);
    expect(await message.text()).toMatch(/^Message-ID: /m);
    expect((await fetch(`${base}?message=../../etc/passwd`)).status).toBe(404);
    expect((await fetch(base, { method: 'DELETE' })).status).toBe(405);
  });
});
