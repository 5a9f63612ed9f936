import { randomUUID } from 'node:crypto';
import type { Identity } from '@shop/identity';
import {
  ADMIN_IDENTITY,
  errorCodes,
  eventually,
  graphqlRequest,
  identityHeaders,
  prepareTestDatabase,
  queryTestDatabase,
  userIdentity,
} from '@shop/testing';
import { SimulatedCardProcessor } from '@shop/payments';
import { startWatchedPayments, type PaymentEvent } from './helpers';

const ORDERS: Identity = { kind: 'service', service: 'orders', scopes: ['payments:charge'] };
const FRAUD = {
  maxDeclines: 5,
  windowMinutes: 10,
  blockMinutes: 30,
  reviewThreshold: 10_000,
  reviewMaxPerCustomer: 3,
};
const APPROVES = '4242424242424242';
const DECLINES = '4000000000000002';

const CHARGE = `mutation($input: ChargePaymentInput!) { chargePayment(input: $input) { id status } }`;
const REVIEW = `mutation($id: ID!, $approve: Boolean!) {
  reviewPayment(id: $id, approve: $approve) { id status amount { amount currency } }
}`;
const AWAITING = `query($first: Int!) { paymentsAwaitingReview(first: $first) { id status } }`;
const ADD = `mutation($input: AddPaymentMethodInput!) { addPaymentMethod(input: $input) { id } }`;

interface PaymentView {
  id: string;
  status: string;
}

describe('ADMIN review of large payments (real PostgreSQL)', () => {
  let payments: Awaited<ReturnType<typeof startWatchedPayments>>;
  let subgraph: Awaited<ReturnType<typeof startWatchedPayments>>['subgraph'];
  let databaseUrl: string;
  let events: PaymentEvent[];

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('payments');
    payments = await startWatchedPayments(databaseUrl, { fraud: FRAUD });
    ({ subgraph, events } = payments);
  });
  afterAll(() => payments.stop());
  afterEach(() => jest.restoreAllMocks());

  const as = <Data>(identity: Identity, query: string, variables?: Record<string, unknown>) =>
    graphqlRequest<Data>(subgraph.url, query, variables, identityHeaders(identity));

  /** A new user's card charged, as the saga does once the order's stock is held. */
  async function chargeNew(card: string, amount: number) {
    const userId = randomUUID();
    const added = await as<{ addPaymentMethod: { id: string } }>(userIdentity(userId), ADD, {
      input: { cardNumber: card, cvc: '123', expMonth: 12, expYear: 2031 },
    });
    expect(added.errors).toBeUndefined();
    const input = {
      orderId: randomUUID(),
      orderNumber: 1044,
      userId,
      paymentMethodId: added.data!.addPaymentMethod.id,
      amount,
      currency: 'USD',
      idempotencyKey: randomUUID(),
      ttlSeconds: 780,
    };
    const result = await chargeAgain(input);
    expect(result.errors).toBeUndefined();
    return { input, payment: result.data!.chargePayment };
  }

  /** A charge above the threshold: answered PENDING, AWAITING_REVIEW as stored. */
  async function held() {
    const charge = await chargeNew(APPROVES, FRAUD.reviewThreshold + 1);
    expect(charge.payment.status).toBe('PENDING');
    expect(await storedStatusOf(charge.payment.id)).toBe('AWAITING_REVIEW');
    return charge;
  }

  const review = (id: string, approve: boolean, identity: Identity = ADMIN_IDENTITY) =>
    as<{ reviewPayment: PaymentView }>(identity, REVIEW, { id, approve });
  function chargeAgain(input: Record<string, unknown>) {
    return as<{ chargePayment: PaymentView }>(ORDERS, CHARGE, { input });
  }
  const storedStatusOf = async (paymentId: string) =>
    (
      await queryTestDatabase<{ status: string }>(
        databaseUrl,
        `SELECT "status"::text FROM "Payment" WHERE "id" = $1`,
        [paymentId],
      )
    )[0]?.status;
  const transactionsOf = (paymentId: string) =>
    queryTestDatabase<{ kind: string; success: boolean }>(
      databaseUrl,
      `SELECT "kind"::text, "success" FROM "PaymentTransaction" WHERE "paymentId" = $1
        ORDER BY "createdAt", "kind"`,
      [paymentId],
    );
  const eventTypesOf = (paymentId: string) =>
    events.filter((event) => event.aggregateId === paymentId).map((event) => event.type);
  const reviewedOf = (paymentId: string) =>
    events.find((event) => event.aggregateId === paymentId && event.type === 'PaymentReviewed')
      ?.data;

  it('authorizes a payment above the threshold but holds its capture for review (PaymentHeldForReview); asked again, answers it as it is', async () => {
    const processorCapture = jest.spyOn(SimulatedCardProcessor.prototype, 'capture');
    const { input, payment } = await held();

    expect(processorCapture).not.toHaveBeenCalled();
    expect(await transactionsOf(payment.id)).toEqual([
      { kind: 'AUTHORIZE', success: true },
      { kind: 'REVIEW', success: false },
    ]);
    // Its buyer hears of the hold (the notifications subgraph tells them).
    await eventually(() => expect(eventTypesOf(payment.id)).toEqual(['PaymentHeldForReview']));
    // Naming its order as the buyer knows it.
    expect(events.find((event) => event.aggregateId === payment.id)?.data).toMatchObject({
      orderId: input.orderId,
      number: 1044,
    });
    const again = await chargeAgain(input);
    expect(again.data?.chargePayment).toEqual(payment);
    const queue = await as<{ paymentsAwaitingReview: PaymentView[] }>(ADMIN_IDENTITY, AWAITING, {
      first: 100,
    });
    expect(queue.data?.paymentsAwaitingReview).toContainEqual(payment);
  });

  it('captures the authorization of an approved payment: SUCCEEDED, CAPTURE logged, PaymentCaptured', async () => {
    const { input, payment } = await held();
    const processorCapture = jest.spyOn(SimulatedCardProcessor.prototype, 'capture');

    const approved = await review(payment.id, true);

    expect(approved.errors).toBeUndefined();
    expect(approved.data?.reviewPayment).toEqual({
      id: payment.id,
      status: 'SUCCEEDED',
      amount: { amount: input.amount, currency: 'USD' },
    });
    expect(processorCapture).toHaveBeenCalledWith(
      expect.objectContaining({
        amount: input.amount,
        idempotencyKey: `${input.idempotencyKey}:capture`,
      }),
    );
    expect(await transactionsOf(payment.id)).toEqual(
      expect.arrayContaining([
        { kind: 'AUTHORIZE', success: true },
        { kind: 'CAPTURE', success: true },
        { kind: 'REVIEW', success: true },
      ]),
    );
    await eventually(() =>
      expect(eventTypesOf(payment.id)).toEqual([
        'PaymentHeldForReview',
        'PaymentCaptured',
        'PaymentReviewed',
      ]),
    );
    expect(reviewedOf(payment.id)).toMatchObject({ paymentId: payment.id, approved: true });
    // The saga's repeated charge now learns the outcome.
    expect((await chargeAgain(input)).data?.chargePayment.status).toBe('SUCCEEDED');
    const queue = await as<{ paymentsAwaitingReview: PaymentView[] }>(ADMIN_IDENTITY, AWAITING, {
      first: 100,
    });
    expect(queue.data?.paymentsAwaitingReview.map((p) => p.id)).not.toContain(payment.id);
  });

  it('never puts a card that does not authorize before an ADMIN: declined at once', async () => {
    const authorized = await as(ORDERS, CHARGE, {
      input: {
        orderId: randomUUID(),
        userId: randomUUID(),
        paymentMethodId: randomUUID(),
        amount: FRAUD.reviewThreshold + 1,
        currency: 'USD',
        idempotencyKey: randomUUID(),
        ttlSeconds: 780,
      },
    });
    expect(errorCodes(authorized)).toEqual(['NOT_FOUND']);
    const userId = randomUUID();
    const added = await as<{ addPaymentMethod: { id: string } }>(userIdentity(userId), ADD, {
      input: { cardNumber: DECLINES, cvc: '123', expMonth: 12, expYear: 2031 },
    });
    const declined = await as(ORDERS, CHARGE, {
      input: {
        orderId: randomUUID(),
        userId,
        paymentMethodId: added.data!.addPaymentMethod.id,
        amount: FRAUD.reviewThreshold + 1,
        currency: 'USD',
        idempotencyKey: randomUUID(),
        ttlSeconds: 780,
      },
    });
    expect(declined.errors?.[0]?.extensions).toMatchObject({
      code: 'PAYMENT_DECLINED',
      declineCode: 'card_declined',
    });
    const queue = await as<{ paymentsAwaitingReview: PaymentView[] }>(ADMIN_IDENTITY, AWAITING, {
      first: 100,
    });
    expect(queue.data?.paymentsAwaitingReview.map((p) => p.id)).not.toContain(
      declined.errors?.[0]?.extensions?.paymentId,
    );
  });

  it('declines a rejected payment (review_rejected), giving the authorization back; the charge answers PAYMENT_DECLINED', async () => {
    const { input, payment } = await held();
    const processorCapture = jest.spyOn(SimulatedCardProcessor.prototype, 'capture');
    const processorVoid = jest.spyOn(SimulatedCardProcessor.prototype, 'void');

    const rejected = await review(payment.id, false);

    expect(rejected.data?.reviewPayment.status).toBe('DECLINED');
    expect(processorCapture).not.toHaveBeenCalled();
    expect(processorVoid).toHaveBeenCalledTimes(1);
    const [row] = await queryTestDatabase<{ declineCode: string }>(
      databaseUrl,
      `SELECT "declineCode" FROM "Payment" WHERE "id" = $1`,
      [payment.id],
    );
    expect(row?.declineCode).toBe('review_rejected');
    await eventually(() =>
      expect(eventTypesOf(payment.id)).toEqual([
        'PaymentHeldForReview',
        'PaymentDeclined',
        'PaymentReviewed',
      ]),
    );
    expect(reviewedOf(payment.id)).toMatchObject({ paymentId: payment.id, approved: false });
    const again = await chargeAgain(input);
    expect(again.errors?.[0]?.extensions).toMatchObject({
      code: 'PAYMENT_DECLINED',
      declineCode: 'review_rejected',
      paymentId: payment.id,
    });
  });

  it('lets only ADMINs review or list, and only payments awaiting review', async () => {
    const { payment } = await held();
    const customer = userIdentity(randomUUID());
    expect(errorCodes(await review(payment.id, true, customer))).toEqual(['FORBIDDEN']);
    // A service is no ADMIN either: requireAdmin wants a signed-in user.
    expect(errorCodes(await review(payment.id, true, ORDERS))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await as(customer, AWAITING, { first: 10 }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await review(randomUUID(), true))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await review('not-a-uuid', true))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await as(ADMIN_IDENTITY, AWAITING, { first: 0 }))).toEqual([
      'BAD_USER_INPUT',
    ]);

    expect((await review(payment.id, false)).data?.reviewPayment.status).toBe('DECLINED');
    expect(errorCodes(await review(payment.id, true))).toEqual(['CONFLICT']);

    const small = await chargeNew(APPROVES, FRAUD.reviewThreshold);
    expect(small.payment.status).toBe('SUCCEEDED');
    expect(errorCodes(await review(small.payment.id, true))).toEqual(['CONFLICT']);
  });

  it('captures once when two ADMINs approve at the same time', async () => {
    const { payment } = await held();
    const processorCapture = jest.spyOn(SimulatedCardProcessor.prototype, 'capture');

    const results = await Promise.all([review(payment.id, true), review(payment.id, true)]);

    const succeeded = results.filter((r) => r.data?.reviewPayment.status === 'SUCCEEDED');
    expect(succeeded).toHaveLength(1);
    expect(results.flatMap(errorCodes)).toEqual(['CONFLICT']);
    expect(processorCapture).toHaveBeenCalledTimes(1);
    const captures = (await transactionsOf(payment.id)).filter((t) => t.kind === 'CAPTURE');
    expect(captures).toHaveLength(1);
  });

  it('refuses to approve an authorization whose time is up, and leaves it out of the queue', async () => {
    const { payment } = await held();
    await queryTestDatabase(
      databaseUrl,
      `UPDATE "Payment" SET "authorizationExpiresAt" = (now() AT TIME ZONE 'UTC') - interval '1 second'
        WHERE "id" = $1`,
      [payment.id],
    );
    const processorCapture = jest.spyOn(SimulatedCardProcessor.prototype, 'capture');

    expect(errorCodes(await review(payment.id, true))).toEqual(['CONFLICT']);

    expect(processorCapture).not.toHaveBeenCalled();
    const queue = await as<{ paymentsAwaitingReview: PaymentView[] }>(ADMIN_IDENTITY, AWAITING, {
      first: 100,
    });
    expect(queue.data?.paymentsAwaitingReview.map((p) => p.id)).not.toContain(payment.id);
  });
});
