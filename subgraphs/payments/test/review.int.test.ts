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
const FRAUD = { maxDeclines: 5, windowMinutes: 10, blockMinutes: 30, reviewThreshold: 10_000 };
const APPROVES = '4242424242424242';
const DECLINES = '4000000000000002';

const CHARGE = `mutation($input: ChargeInput!) { chargePayment(input: $input) { id status } }`;
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

  /** A charge by a new user's card. */
  async function chargeNew(card: string, amount: number) {
    const userId = randomUUID();
    const added = await as<{ addPaymentMethod: { id: string } }>(userIdentity(userId), ADD, {
      input: { cardNumber: card, cvc: '123', expMonth: 12, expYear: 2031 },
    });
    expect(added.errors).toBeUndefined();
    const input = {
      orderId: randomUUID(),
      userId,
      paymentMethodId: added.data!.addPaymentMethod.id,
      amount,
      currency: 'USD',
      idempotencyKey: randomUUID(),
    };
    const result = await as<{ chargePayment: PaymentView }>(ORDERS, CHARGE, { input });
    expect(result.errors).toBeUndefined();
    return { input, payment: result.data!.chargePayment };
  }

  /** A charge above the threshold: answered PENDING. */
  async function held(card = APPROVES) {
    const charge = await chargeNew(card, FRAUD.reviewThreshold + 1);
    expect(charge.payment.status).toBe('PENDING');
    return charge;
  }

  const review = (id: string, approve: boolean, identity: Identity = ADMIN_IDENTITY) =>
    as<{ reviewPayment: PaymentView }>(identity, REVIEW, { id, approve });
  const chargeAgain = (input: Record<string, unknown>) =>
    as<{ chargePayment: PaymentView }>(ORDERS, CHARGE, { input });
  const transactionsOf = (paymentId: string) =>
    queryTestDatabase<{ kind: string; success: boolean }>(
      databaseUrl,
      `SELECT "kind"::text, "success" FROM "PaymentTransaction" WHERE "paymentId" = $1
        ORDER BY "createdAt", "kind"`,
      [paymentId],
    );
  const eventTypesOf = (paymentId: string) =>
    events.filter((event) => event.aggregateId === paymentId).map((event) => event.type);

  it('holds a charge above the threshold PENDING without asking the processor; the key answers it again', async () => {
    const processorCharge = jest.spyOn(SimulatedCardProcessor.prototype, 'charge');
    const { input, payment } = await held();

    expect(processorCharge).not.toHaveBeenCalled();
    expect(await transactionsOf(payment.id)).toEqual([{ kind: 'REVIEW', success: false }]);
    const again = await chargeAgain(input);
    expect(again.data?.chargePayment).toEqual(payment);
    const queue = await as<{ paymentsAwaitingReview: PaymentView[] }>(ADMIN_IDENTITY, AWAITING, {
      first: 100,
    });
    expect(queue.data?.paymentsAwaitingReview).toContainEqual(payment);
  });

  it('charges an approved payment with its own key: SUCCEEDED, AUTHORIZE and CAPTURE, PaymentCaptured', async () => {
    const { input, payment } = await held();
    const processorCharge = jest.spyOn(SimulatedCardProcessor.prototype, 'charge');

    const approved = await review(payment.id, true);

    expect(approved.errors).toBeUndefined();
    expect(approved.data?.reviewPayment).toEqual({
      id: payment.id,
      status: 'SUCCEEDED',
      amount: { amount: input.amount, currency: 'USD' },
    });
    expect(processorCharge).toHaveBeenCalledWith(
      expect.objectContaining({ amount: input.amount, idempotencyKey: input.idempotencyKey }),
    );
    expect(await transactionsOf(payment.id)).toEqual(
      expect.arrayContaining([
        { kind: 'AUTHORIZE', success: true },
        { kind: 'CAPTURE', success: true },
        { kind: 'REVIEW', success: true },
      ]),
    );
    await eventually(() => expect(eventTypesOf(payment.id)).toEqual(['PaymentCaptured']));
    // The saga's repeated charge now learns the outcome.
    expect((await chargeAgain(input)).data?.chargePayment.status).toBe('SUCCEEDED');
    const queue = await as<{ paymentsAwaitingReview: PaymentView[] }>(ADMIN_IDENTITY, AWAITING, {
      first: 100,
    });
    expect(queue.data?.paymentsAwaitingReview.map((p) => p.id)).not.toContain(payment.id);
  });

  it('declines an approved payment the card refuses', async () => {
    const { payment } = await held(DECLINES);
    const approved = await review(payment.id, true);
    expect(approved.data?.reviewPayment.status).toBe('DECLINED');
    await eventually(() => expect(eventTypesOf(payment.id)).toEqual(['PaymentDeclined']));
  });

  it('declines a rejected payment (review_rejected) without charging; the key answers PAYMENT_DECLINED', async () => {
    const { input, payment } = await held();
    const processorCharge = jest.spyOn(SimulatedCardProcessor.prototype, 'charge');

    const rejected = await review(payment.id, false);

    expect(rejected.data?.reviewPayment.status).toBe('DECLINED');
    expect(processorCharge).not.toHaveBeenCalled();
    const [row] = await queryTestDatabase<{ declineCode: string }>(
      databaseUrl,
      `SELECT "declineCode" FROM "Payment" WHERE "id" = $1`,
      [payment.id],
    );
    expect(row?.declineCode).toBe('review_rejected');
    await eventually(() => expect(eventTypesOf(payment.id)).toEqual(['PaymentDeclined']));
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
    const processorCharge = jest.spyOn(SimulatedCardProcessor.prototype, 'charge');

    const results = await Promise.all([review(payment.id, true), review(payment.id, true)]);

    const succeeded = results.filter((r) => r.data?.reviewPayment.status === 'SUCCEEDED');
    expect(succeeded).toHaveLength(1);
    expect(results.flatMap(errorCodes)).toEqual(['CONFLICT']);
    expect(processorCharge).toHaveBeenCalledTimes(1);
    const captures = (await transactionsOf(payment.id)).filter((t) => t.kind === 'CAPTURE');
    expect(captures).toHaveLength(1);
  });
});
