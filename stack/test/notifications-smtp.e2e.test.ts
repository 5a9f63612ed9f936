import { eventually, graphqlRequest, queryTestDatabase } from '@shop/testing';
import {
  AddToCartDocument,
  CheckoutDocument,
  NotificationDeliveriesDocument,
} from '../../clients/generated/operations';
import {
  checkoutInput,
  newShopper,
  signInAdmin,
  stockedProduct,
  type Headers,
} from './support/shop';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { startSubgraphProcess, type SubgraphProcess } from './support/subgraph-process';
import { handOver, startTestStack, type RunningStack } from './support/test-stack';

/**
 * The e-mail channel with SMTP_URL set: order confirmations go to a real
 * SMTP server the test runs, through refusals and a crash of the sender.
 */
describe('notification e-mail through an SMTP server', () => {
  let sink: SmtpSink;
  let stack: RunningStack;
  let admin: Headers;
  let product: { id: string; name: string };
  const children: SubgraphProcess[] = [];
  const url = () => stack.router.url;

  const mailsTo = (email: string) => sink.received.filter((mail) => mail.to.includes(email));

  /** A new shopper with a paid order of the test's product. */
  const paidOrderOfNewShopper = async (name: string) => {
    const buyer = await newShopper(url(), name);
    await eventually(async () => {
      const added = await graphqlRequest(
        url(),
        AddToCartDocument,
        { productId: product.id, quantity: 1 },
        buyer.headers,
      );
      expect(added.errors).toBeUndefined();
    });
    return buyer;
  };
  const checkout = async (buyer: Awaited<ReturnType<typeof paidOrderOfNewShopper>>) => {
    const placed = await graphqlRequest(
      url(),
      CheckoutDocument,
      checkoutInput(buyer),
      buyer.headers,
    );
    expect(placed.errors).toBeUndefined();
    return placed.data!.checkout;
  };

  /** The e-mail delivery of the shopper's order confirmation, as the database holds it. */
  const emailDeliveryOf = async (userId: string) => {
    const [row] = await queryTestDatabase<{
      status: string;
      attempts: number;
      messageId: string;
    }>(
      stack.env.DATABASE_URL_NOTIFICATIONS!,
      `SELECT d.status::text, d.attempts, d."messageId" FROM "Delivery" d
         JOIN "Notification" n ON n.id = d."notificationId"
        WHERE n."userId" = $1::uuid AND n.kind = 'ORDER_CONFIRMED' AND d.channel = 'EMAIL'`,
      [userId],
    );
    return row;
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    stack = await startTestStack({ SMTP_URL: sink.url });
    admin = await signInAdmin(url());
    product = await stockedProduct(url(), admin, {
      name: 'Mailed Teapot',
      price: 1_999,
      units: [50],
    });
  }, 90_000);
  afterAll(async () => {
    await Promise.all(children.map((child) => child.kill()));
    await stack?.stop();
    await sink?.close();
  });

  it('hands the order confirmation to the SMTP server, with the delivery’s Message-ID', async () => {
    const buyer = await paidOrderOfNewShopper('Smtp Buyer');
    const order = await checkout(buyer);

    const [mail] = await eventually(() => {
      expect(mailsTo(buyer.email)).toHaveLength(1);
      return mailsTo(buyer.email);
    });
    expect(mail!.subject).toBe(`Shop: Order #${order.number} is confirmed`);
    expect(mail!.raw).toContain(product.name);
    expect(mail!.raw).toContain('$19.99');
    const delivery = await eventually(async () => {
      const row = await emailDeliveryOf(buyer.userId);
      expect(row).toMatchObject({ status: 'SENT', attempts: 1 });
      return row!;
    });
    expect(mail!.messageId).toBe(delivery.messageId);
  });

  it('retries a temporary refusal (451) and delivers on a later try', async () => {
    const buyer = await paidOrderOfNewShopper('Deferred Buyer');
    sink.answerNext(buyer.email, ['defer', 'defer']);
    await checkout(buyer);

    await eventually(async () =>
      expect(await emailDeliveryOf(buyer.userId)).toMatchObject({ status: 'SENT', attempts: 3 }),
    );
    const mails = mailsTo(buyer.email);
    expect(mails).toHaveLength(3);
    expect(new Set(mails.map((mail) => mail.messageId)).size).toBe(1);
    const log = await graphqlRequest(url(), NotificationDeliveriesDocument, { first: 20 }, admin);
    const delivery = log.data!.notificationDeliveries.find(
      (entry) => entry.messageId === mails[0]!.messageId,
    );
    expect(delivery!.log.map((attempt) => attempt.outcome)).toEqual(['RETRY', 'RETRY', 'SENT']);
    expect(delivery!.log[0]!.error).toMatch(/451/);
  });

  // Last: the in-process notifications subgraph hands over to child processes.
  it('sends again at most once, with the same Message-ID, after the sender dies between sending and recording', async () => {
    await handOver(stack, 'notifications');
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      HOST: '127.0.0.1',
      NOTIFICATIONS_PORT: '0',
      DATABASE_URL_NOTIFICATIONS: stack.env.DATABASE_URL_NOTIFICATIONS!,
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: stack.env.REDIS_URL!,
      EVENT_STREAM_PREFIX: stack.env.EVENT_STREAM_PREFIX!,
      SMTP_URL: sink.url,
      NOTIFY_RETRY_BASE_MS: '100',
      NOTIFY_POLL_MS: '100',
      // The dead sender's lease: its delivery is sent again once this passes.
      NOTIFY_LEASE_MS: '1000',
    };
    const first = await startSubgraphProcess('notifications', env);
    children.push(first);
    const buyer = await paidOrderOfNewShopper('Crash Buyer');
    // The server has the whole message; the sender is killed before it hears 250.
    let killed: Promise<void> | undefined;
    sink.answerNext(buyer.email, ['hold'], () => {
      killed = first.kill();
    });
    await checkout(buyer);
    await eventually(() => expect(killed).toBeDefined());
    await killed;
    expect(mailsTo(buyer.email)).toHaveLength(1);
    expect(await emailDeliveryOf(buyer.userId)).toMatchObject({ status: 'PENDING', attempts: 0 });

    const second = await startSubgraphProcess('notifications', env);
    children.push(second);
    const delivery = await eventually(async () => {
      const row = await emailDeliveryOf(buyer.userId);
      expect(row).toMatchObject({ status: 'SENT', attempts: 1 });
      return row!;
    });
    const mails = mailsTo(buyer.email);
    expect(mails).toHaveLength(2);
    expect(mails.map((mail) => mail.messageId)).toEqual([delivery.messageId, delivery.messageId]);
  });
});
