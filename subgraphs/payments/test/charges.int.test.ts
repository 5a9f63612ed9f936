import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Identity } from '@shop/identity';
import {
  eventually,
  graphqlRequest,
  identityHeaders,
  prepareTestDatabase,
  queryTestDatabase,
  userIdentity,
} from '@shop/testing';
import { seedData } from '@shop/seed';
import { SimulatedCardProcessor } from '@shop/payments';
import { startWatchedPayments, type PaymentEvent } from './helpers';

interface GraphQLErrorView {
  message: string;
  extensions?: Record<string, unknown>;
}

const ORDERS: Identity = {
  kind: 'service',
  service: 'orders',
  scopes: ['payments:charge', 'payments:refund'],
};
const FRAUD = {
  maxDeclines: 2,
  windowMinutes: 10,
  blockMinutes: 30,
  reviewThreshold: 100_000,
  reviewMaxPerCustomer: 2,
};
/** What the checkout saga asks for: two minutes less than its 15-minute stock hold. */
const TTL_SECONDS = 13 * 60;

const CARDS = {
  approves: { cardNumber: '4242 4242 4242 4242', digits: '4242424242424242', cvc: '731' },
  declines: { cardNumber: '4000-0000-0000-0002', digits: '4000000000000002', cvc: '864' },
  noFunds: { cardNumber: '4000000000009995', digits: '4000000000009995', cvc: '592' },
  amex: { cardNumber: '3782 822463 10005', digits: '378282246310005', cvc: '4178' },
};

const PAYMENT =
  'id status amount { amount currency } refundedAmount { amount } refunds { amount { amount } reason }';
const CHARGE = `mutation($input: ChargePaymentInput!) { chargePayment(input: $input) { ${PAYMENT} } }`;
const VOID = `mutation($id: ID!) { voidPayment(id: $id) { ${PAYMENT} } }`;
const REFUND = `mutation($input: RefundInput!) { refundPayment(input: $input) { ${PAYMENT} } }`;
const ADD = `mutation($input: AddPaymentMethodInput!) {
  addPaymentMethod(input: $input) { id brand last4 expMonth expYear }
}`;

interface PaymentView {
  id: string;
  status: string;
  amount: { amount: number; currency: string };
  refundedAmount: { amount: number };
  refunds: { amount: { amount: number }; reason: string | null }[];
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('payment methods, charges, voids and refunds (real PostgreSQL)', () => {
  let payments: Awaited<ReturnType<typeof startWatchedPayments>>;
  let subgraph: Awaited<ReturnType<typeof startWatchedPayments>>['subgraph'];
  let databaseUrl: string;
  const logLines: string[] = [];
  let events: PaymentEvent[];

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('payments');
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    // Every level, unredacted: what the subgraph itself hands the logger is what is checked.
    const log = pino({ level: 'trace' }, sink);
    payments = await startWatchedPayments(databaseUrl, { fraud: FRAUD, seed: true, log });
    ({ subgraph, events } = payments);
  });
  afterAll(() => payments.stop());
  afterEach(() => jest.restoreAllMocks());

  const as = (identity: Identity, query: string, variables?: Record<string, unknown>) =>
    graphqlRequest(subgraph.url, query, variables, identityHeaders(identity));

  const addCard = async (userId: string, card: { cardNumber: string; cvc: string }) => {
    const result = await as(userIdentity(userId), ADD, {
      input: { cardNumber: card.cardNumber, cvc: card.cvc, expMonth: 12, expYear: 2031 },
    });
    expect(result.errors).toBeUndefined();
    return (result.data as { addPaymentMethod: { id: string; brand: string; last4: string } })
      .addPaymentMethod;
  };

  const chargeInput = (userId: string, paymentMethodId: string, overrides = {}) => ({
    orderId: randomUUID(),
    userId,
    paymentMethodId,
    amount: 2_500,
    currency: 'USD',
    idempotencyKey: randomUUID(),
    ttlSeconds: TTL_SECONDS,
    ...overrides,
  });
  const charge = (input: Record<string, unknown>, identity: Identity = ORDERS) =>
    as(identity, CHARGE, { input });
  const charged = async (input: Record<string, unknown>) => {
    const result = await charge(input);
    expect(result.errors).toBeUndefined();
    return (result.data as { chargePayment: PaymentView }).chargePayment;
  };
  /** A charge above the review threshold: held on the card, AWAITING_REVIEW as stored. */
  const heldForReview = async (input: Record<string, unknown>) => {
    const held = await charged({ ...input, amount: FRAUD.reviewThreshold + 1 });
    expect(held.status).toBe('PENDING');
    return held;
  };
  const voidPayment = (id: string, identity: Identity = ORDERS) => as(identity, VOID, { id });
  /**
   * A payment as authorizePayment left it before the charge replaced it
   * (AUTHORIZED, uncaptured, its AUTHORIZE logged), for an order whose saga
   * began then and is resumed now.
   */
  const authorizedEarlier = async (input: ReturnType<typeof chargeInput>) => {
    const paymentId = randomUUID();
    await queryTestDatabase(
      databaseUrl,
      `WITH payment AS (
         INSERT INTO "Payment" ("id", "orderId", "userId", "paymentMethodId", "idempotencyKey",
                                "amount", "currency", "status", "processorRef", "reviewRequired",
                                "authorizationExpiresAt", "updatedAt")
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'AUTHORIZED', 'au_earlier', $8,
                 (now() AT TIME ZONE 'UTC') + interval '10 minutes', now() AT TIME ZONE 'UTC')
         RETURNING *
       )
       INSERT INTO "PaymentTransaction" ("id", "paymentId", "userId", "kind", "amount", "currency",
                                         "success", "detail", "createdAt")
       SELECT gen_random_uuid(), "id", "userId", 'AUTHORIZE', "amount", "currency", true,
              'au_earlier', (now() AT TIME ZONE 'UTC') - interval '1 minute'
         FROM payment`,
      [
        paymentId,
        input.orderId,
        input.userId,
        input.paymentMethodId,
        input.idempotencyKey,
        input.amount,
        input.currency,
        input.amount > FRAUD.reviewThreshold,
      ],
    );
    return paymentId;
  };
  const refund = (input: Record<string, unknown>, identity: Identity = ORDERS) =>
    as(identity, REFUND, { input });
  const errorOf = (result: { errors?: GraphQLErrorView[] }) => {
    expect(result.errors).toHaveLength(1);
    return result.errors![0]!;
  };

  const transactionsOf = (paymentId: string) =>
    queryTestDatabase<{ kind: string; success: boolean; detail: string | null }>(
      databaseUrl,
      `SELECT "kind", "success", "detail" FROM "PaymentTransaction" WHERE "paymentId" = $1 ORDER BY "createdAt", "kind"`,
      [paymentId],
    );
  const storedOf = async (paymentId: string) =>
    (
      await queryTestDatabase<{ status: string; declineCode: string | null }>(
        databaseUrl,
        `SELECT "status"::text, "declineCode" FROM "Payment" WHERE "id" = $1`,
        [paymentId],
      )
    )[0];
  const eventsOf = async (paymentId: string, count: number) => {
    await waitFor(() => events.filter((event) => event.aggregateId === paymentId).length >= count);
    return events.filter((event) => event.aggregateId === paymentId);
  };

  describe('addPaymentMethod', () => {
    it('tokenizes a card and keeps only its token, brand, last4 and expiry', async () => {
      const userId = randomUUID();
      const method = await addCard(userId, CARDS.approves);
      expect(method).toEqual({
        id: expect.any(String),
        brand: 'VISA',
        last4: '4242',
        expMonth: 12,
        expYear: 2031,
      });
      const amex = await addCard(userId, CARDS.amex);
      expect(amex).toMatchObject({ brand: 'AMEX', last4: '0005' });

      const [row] = await queryTestDatabase<Record<string, unknown>>(
        databaseUrl,
        `SELECT * FROM "PaymentMethod" WHERE "id" = $1`,
        [method.id],
      );
      expect(row).toMatchObject({ userId, brand: 'VISA', last4: '4242' });
      expect(row!.token).toMatch(/^tok_ok_[0-9a-f]{32}$/);

      const listed = await as(
        userIdentity(userId),
        'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { paymentMethods { id } } } }',
        { reps: [{ __typename: 'User', id: userId }] },
      );
      expect(listed.data).toEqual({
        _entities: [{ paymentMethods: [{ id: amex.id }, { id: method.id }] }],
      });
    });

    it.each([
      [
        'a number failing the Luhn check',
        { cardNumber: '4242424242424241' },
        'Invalid card number',
      ],
      ['a number too short', { cardNumber: '42424242424' }, 'Invalid card number'],
      ['a month outside 1..12', { expMonth: 13 }, 'expMonth must be an integer from 1 to 12'],
      ['an expired card', { expYear: 2020 }, 'The card has expired'],
      ['a 4-digit CVC on a VISA', { cvc: '1234' }, 'cvc must be 3 digits'],
      ['a 3-digit CVC on an AMEX', { cardNumber: CARDS.amex.cardNumber }, 'cvc must be 4 digits'],
    ])('refuses %s with BAD_USER_INPUT and stores nothing', async (_case, overrides, message) => {
      const userId = randomUUID();
      const result = await as(userIdentity(userId), ADD, {
        input: {
          cardNumber: CARDS.approves.cardNumber,
          cvc: '123',
          expMonth: 1,
          expYear: 2031,
          ...overrides,
        },
      });
      expect(errorOf(result)).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
      const [row] = await queryTestDatabase<{ count: string }>(
        databaseUrl,
        `SELECT count(*) FROM "PaymentMethod" WHERE "userId" = $1`,
        [userId],
      );
      expect(Number(row!.count)).toBe(0);
    });

    it('wants a signed-in user', async () => {
      const input = {
        cardNumber: CARDS.approves.cardNumber,
        cvc: '123',
        expMonth: 1,
        expYear: 2031,
      };
      for (const identity of [{ kind: 'anonymous' } as const, ORDERS]) {
        const result = await as(identity, ADD, { input });
        expect(errorOf(result).extensions?.code).toBe('UNAUTHENTICATED');
      }
    });
  });

  describe('chargePayment and voidPayment', () => {
    it('authorizes and captures in one call: AUTHORIZE and CAPTURE logged, PaymentCaptured published', async () => {
      const userId = randomUUID();
      const method = await addCard(userId, CARDS.approves);
      const input = chargeInput(userId, method.id, { currency: 'eur' });
      const payment = await charged(input);
      expect(payment).toEqual({
        id: expect.any(String),
        status: 'SUCCEEDED',
        amount: { amount: 2_500, currency: 'EUR' },
        refundedAmount: { amount: 0 },
        refunds: [],
      });
      expect(await storedOf(payment.id)).toEqual({ status: 'SUCCEEDED', declineCode: null });
      expect(await transactionsOf(payment.id)).toEqual([
        { kind: 'AUTHORIZE', success: true, detail: expect.stringMatching(/^au_/) },
        { kind: 'CAPTURE', success: true, detail: expect.stringMatching(/^ch_/) },
      ]);
      const [event] = await eventsOf(payment.id, 1);
      expect(event).toMatchObject({
        type: 'PaymentCaptured',
        data: {
          paymentId: payment.id,
          orderId: input.orderId,
          userId,
          amount: { amount: 2_500, currency: 'EUR' },
        },
      });
      // Charged without the order's number (an orders from before it was sent): none to name.
      expect(event!.data).not.toHaveProperty('number');
      // Charged once, however often asked.
      expect(await charged(input)).toEqual(payment);
      expect(await transactionsOf(payment.id)).toHaveLength(2);
    });

    it('answers the card charged (what the checkout provides) read with the charge, with no query of its own', async () => {
      const userId = randomUUID();
      const method = await addCard(userId, CARDS.amex);
      const input = chargeInput(userId, method.id);
      const methodReads = jest.spyOn(subgraph.db.prisma.paymentMethod, 'findMany');
      const CHECKOUT_FIELDS = `mutation($input: ChargePaymentInput!) {
        chargePayment(input: $input) { id status amount { amount currency } method { id brand last4 } }
      }`;
      const answerOf = async () => {
        const result = await as(ORDERS, CHECKOUT_FIELDS, { input });
        expect(result.errors).toBeUndefined();
        return (result.data as { chargePayment: unknown }).chargePayment;
      };

      const first = await answerOf();
      expect(first).toEqual({
        id: expect.any(String),
        status: 'SUCCEEDED',
        amount: { amount: 2_500, currency: 'USD' },
        method: { id: method.id, brand: 'AMEX', last4: '0005' },
      });
      expect(methodReads).not.toHaveBeenCalled();
      // Asked again (the key taken): the same answer, the card read by the loader then.
      expect(await answerOf()).toEqual(first);
      expect(methodReads).toHaveBeenCalledTimes(1);
    });

    it('captures a payment its key authorized before the charge replaced authorizing (a saga begun then)', async () => {
      const userId = randomUUID();
      const method = await addCard(userId, CARDS.approves);
      const input = chargeInput(userId, method.id);
      const paymentId = await authorizedEarlier(input);
      const processorAuthorize = jest.spyOn(SimulatedCardProcessor.prototype, 'authorize');
      const processorCapture = jest.spyOn(SimulatedCardProcessor.prototype, 'capture');

      const payment = await charged(input);

      expect(payment).toMatchObject({ id: paymentId, status: 'SUCCEEDED' });
      expect(processorAuthorize).not.toHaveBeenCalled();
      expect(processorCapture).toHaveBeenCalledTimes(1);
      expect(await transactionsOf(paymentId)).toEqual([
        { kind: 'AUTHORIZE', success: true, detail: 'au_earlier' },
        { kind: 'CAPTURE', success: true, detail: expect.stringMatching(/^ch_/) },
      ]);
      const [event] = await eventsOf(paymentId, 1);
      expect(event).toMatchObject({ type: 'PaymentCaptured', data: { paymentId } });
      expect(await charged(input)).toEqual(payment);
      expect(processorCapture).toHaveBeenCalledTimes(1);

      // One above the review threshold is put before an ADMIN instead.
      const large = chargeInput(userId, method.id, { amount: FRAUD.reviewThreshold + 1 });
      const largeId = await authorizedEarlier(large);
      expect(await charged(large)).toMatchObject({ id: largeId, status: 'PENDING' });
      expect(await storedOf(largeId)).toMatchObject({ status: 'AWAITING_REVIEW' });
      expect(processorCapture).toHaveBeenCalledTimes(1);
    });

    it('declines a payment whose capture the processor refuses: AUTHORIZE and DECLINE logged, PaymentDeclined', async () => {
      const userId = randomUUID();
      const method = await addCard(userId, CARDS.approves);
      const input = chargeInput(userId, method.id, { orderNumber: 1042 });
      jest
        .spyOn(SimulatedCardProcessor.prototype, 'capture')
        .mockResolvedValueOnce({ approved: false, code: 'insufficient_funds' });
      const error = errorOf(await charge(input));
      expect(error.extensions).toMatchObject({
        code: 'PAYMENT_DECLINED',
        declineCode: 'insufficient_funds',
      });
      const paymentId = error.extensions!.paymentId as string;
      expect(await storedOf(paymentId)).toEqual({
        status: 'DECLINED',
        declineCode: 'insufficient_funds',
      });
      expect(await transactionsOf(paymentId)).toEqual([
        { kind: 'AUTHORIZE', success: true, detail: expect.stringMatching(/^au_/) },
        { kind: 'DECLINE', success: false, detail: 'insufficient_funds' },
      ]);
      const [event] = await eventsOf(paymentId, 1);
      expect(event).toMatchObject({
        type: 'PaymentDeclined',
        // The order's number, for the buyer's message.
        data: {
          paymentId,
          orderId: input.orderId,
          userId,
          code: 'insufficient_funds',
          number: 1042,
        },
      });
    });

    it('is for services with payments:charge only: FORBIDDEN for customers and other services', async () => {
      const userId = randomUUID();
      const method = await addCard(userId, CARDS.approves);
      const input = chargeInput(userId, method.id);
      const callers: Identity[] = [
        userIdentity(userId),
        userIdentity(randomUUID(), 'ADMIN'),
        { kind: 'service', service: 'orders', scopes: ['payments:refund'] },
        { kind: 'anonymous' },
      ];
      for (const identity of callers) {
        expect(errorOf(await charge(input, identity)).extensions?.code).toBe('FORBIDDEN');
      }
      const [row] = await queryTestDatabase<{ count: string }>(
        databaseUrl,
        `SELECT count(*) FROM "Payment" WHERE "userId" = $1`,
        [userId],
      );
      expect(Number(row!.count)).toBe(0);
      const held = await heldForReview(input);
      for (const identity of callers) {
        expect(errorOf(await voidPayment(held.id, identity)).extensions?.code).toBe('FORBIDDEN');
      }
      expect(await storedOf(held.id)).toMatchObject({ status: 'AWAITING_REVIEW' });
    });

    it('hides the saga’s payment operations from the public supergraph', async () => {
      const result = await as(ORDERS, '{ _service { sdl } }');
      const sdl = (result.data as { _service: { sdl: string } })._service.sdl;
      expect(sdl).toMatch(/chargePayment\(input: ChargePaymentInput!\): Payment! @inaccessible/);
      expect(sdl).toMatch(/voidPayment\(id: ID!\): Payment! @inaccessible/);
      expect(sdl).toMatch(/refundPayment\(input: RefundInput!\): Payment! @inaccessible/);
      expect(sdl).toMatch(/input ChargePaymentInput\s+@inaccessible/);
      // The charge replaced authorizing and capturing apart.
      expect(sdl).not.toMatch(/authorizePayment|capturePayment/);
    });

    it('answers NOT_FOUND for a card of another user or an unknown one, and an unknown payment', async () => {
      const owner = randomUUID();
      const method = await addCard(owner, CARDS.approves);
      for (const paymentMethodId of [method.id, randomUUID(), 'not-a-uuid']) {
        const result = await charge(chargeInput(randomUUID(), paymentMethodId));
        expect(errorOf(result)).toMatchObject({
          message: 'Payment method not found',
          extensions: { code: 'NOT_FOUND' },
        });
      }
      for (const id of [randomUUID(), 'not-a-uuid']) {
        expect(errorOf(await voidPayment(id)).extensions?.code).toBe('NOT_FOUND');
      }
    });

    it('validates the amount, the currency and the hold', async () => {
      const userId = randomUUID();
      const method = await addCard(userId, CARDS.approves);
      for (const overrides of [
        { amount: 0 },
        { amount: -5 },
        { amount: 2 ** 31 },
        { currency: 'US' },
        { ttlSeconds: 0 },
        { ttlSeconds: 8 * 24 * 60 * 60 },
      ]) {
        const result = await charge(chargeInput(userId, method.id, overrides));
        expect(errorOf(result).extensions?.code).toBe('BAD_USER_INPUT');
      }
    });

    it('answers the first payment for a repeated key, and CONFLICT when the key names another payment', async () => {
      const userId = randomUUID();
      const method = await addCard(userId, CARDS.approves);
      const input = chargeInput(userId, method.id);
      const first = await charged(input);
      expect(await charged(input)).toEqual(first);
      const other = await charge({ ...input, amount: 9_999 });
      expect(errorOf(other).extensions).toMatchObject({ code: 'CONFLICT', paymentId: first.id });
      expect((await transactionsOf(first.id)).map((row) => row.kind)).toEqual([
        'AUTHORIZE',
        'CAPTURE',
      ]);
    });

    it('authorizes and captures once when the charge arrives 10 times at once', async () => {
      const userId = randomUUID();
      const method = await addCard(userId, CARDS.approves);
      const input = chargeInput(userId, method.id);
      const processorAuthorize = jest.spyOn(SimulatedCardProcessor.prototype, 'authorize');
      const processorCapture = jest.spyOn(SimulatedCardProcessor.prototype, 'capture');
      const results = await Promise.all(Array.from({ length: 10 }, () => charge(input)));
      for (const result of results) expect(result.errors).toBeUndefined();
      const ids = new Set(
        results.map((result) => (result.data as { chargePayment: PaymentView }).chargePayment.id),
      );
      expect(ids.size).toBe(1);
      const [id] = [...ids] as [string];

      const rows = await queryTestDatabase<{ id: string; status: string }>(
        databaseUrl,
        `SELECT "id", "status"::text FROM "Payment" WHERE "idempotencyKey" = $1`,
        [input.idempotencyKey],
      );
      expect(rows).toEqual([{ id, status: 'SUCCEEDED' }]);
      expect((await transactionsOf(id)).map((row) => row.kind)).toEqual(['AUTHORIZE', 'CAPTURE']);
      expect(processorAuthorize).toHaveBeenCalledTimes(1);
      expect(processorCapture).toHaveBeenCalledTimes(1);
    });

    it.each([
      ['declines', 'card_declined', 'The card was declined'],
      ['noFunds', 'insufficient_funds', 'The card has insufficient funds'],
    ] as const)(
      'commits a DECLINED payment for the %s test card at authorization and answers PAYMENT_DECLINED (%s), also on retry',
      async (card, declineCode, message) => {
        const userId = randomUUID();
        const method = await addCard(userId, CARDS[card]);
        const input = chargeInput(userId, method.id);
        const processorCapture = jest.spyOn(SimulatedCardProcessor.prototype, 'capture');
        const error = errorOf(await charge(input));
        expect(error).toMatchObject({
          message,
          path: ['chargePayment'],
          extensions: { code: 'PAYMENT_DECLINED', declineCode, paymentId: expect.any(String) },
        });
        const paymentId = error.extensions!.paymentId as string;
        const [row] = await queryTestDatabase<Record<string, unknown>>(
          databaseUrl,
          `SELECT "status"::text, "declineCode", "orderId"::text FROM "Payment" WHERE "id" = $1`,
          [paymentId],
        );
        expect(row).toEqual({ status: 'DECLINED', declineCode, orderId: input.orderId });
        expect(await transactionsOf(paymentId)).toEqual([
          { kind: 'DECLINE', success: false, detail: declineCode },
        ]);
        const [event] = await eventsOf(paymentId, 1);
        expect(event).toMatchObject({
          type: 'PaymentDeclined',
          data: { paymentId, orderId: input.orderId, userId, code: declineCode },
        });
        const retried = errorOf(await charge(input));
        expect([retried.message, retried.extensions?.paymentId]).toEqual([message, paymentId]);
        expect(processorCapture).not.toHaveBeenCalled();
        expect(await transactionsOf(paymentId)).toHaveLength(1);
      },
    );

    it('voids an authorization held for review once: VOID logged, PaymentVoided, never captured after', async () => {
      const userId = randomUUID();
      const method = await addCard(userId, CARDS.approves);
      const input = chargeInput(userId, method.id);
      const held = await heldForReview(input);

      const voided = await voidPayment(held.id);
      expect((voided.data as { voidPayment: PaymentView }).voidPayment.status).toBe('DECLINED');
      expect(await storedOf(held.id)).toEqual({ status: 'VOIDED', declineCode: 'order_cancelled' });
      expect((await voidPayment(held.id)).errors).toBeUndefined();
      expect(
        errorOf(await charge({ ...input, amount: FRAUD.reviewThreshold + 1 })).extensions,
      ).toMatchObject({ code: 'PAYMENT_DECLINED', declineCode: 'order_cancelled' });
      expect(await transactionsOf(held.id)).toEqual([
        { kind: 'AUTHORIZE', success: true, detail: expect.stringMatching(/^au_/) },
        { kind: 'REVIEW', success: false, detail: 'requires_review' },
        { kind: 'VOID', success: true, detail: expect.stringMatching(/^order_cancelled vo_/) },
      ]);
      const [, event] = await eventsOf(held.id, 2);
      expect(event).toMatchObject({
        type: 'PaymentVoided',
        data: { paymentId: held.id, orderId: input.orderId, userId, reason: 'order_cancelled' },
      });
    });

    it('refuses to void a captured payment with CONFLICT: it is refunded instead', async () => {
      const userId = randomUUID();
      const method = await addCard(userId, CARDS.approves);
      const payment = await charged(chargeInput(userId, method.id));
      expect(errorOf(await voidPayment(payment.id)).extensions).toMatchObject({
        code: 'CONFLICT',
        status: 'SUCCEEDED',
      });
      expect(await storedOf(payment.id)).toMatchObject({ status: 'SUCCEEDED' });
    });

    it('voids an authorization whose time is up, so it can no longer be captured', async () => {
      const userId = randomUUID();
      const method = await addCard(userId, CARDS.approves);
      const input = chargeInput(userId, method.id, {
        amount: FRAUD.reviewThreshold + 1,
        ttlSeconds: 1,
      });
      const held = await heldForReview(input);

      // payments' expiry job looks every 5 seconds.
      await waitFor(
        () => events.filter((event) => event.aggregateId === held.id).length >= 2,
        12_000,
      );
      expect(await storedOf(held.id)).toEqual({
        status: 'VOIDED',
        declineCode: 'authorization_expired',
      });
      expect(errorOf(await charge(input)).extensions).toMatchObject({
        code: 'PAYMENT_DECLINED',
        declineCode: 'authorization_expired',
      });
    }, 15_000);
  });

  describe('fraud rules', () => {
    it('blocks a user after more than FRAUD_MAX_DECLINES declines, without asking the processor', async () => {
      const userId = randomUUID();
      const declining = await addCard(userId, CARDS.declines);
      const good = await addCard(userId, CARDS.approves);
      for (let attempt = 0; attempt <= FRAUD.maxDeclines; attempt += 1) {
        const error = errorOf(await charge(chargeInput(userId, declining.id)));
        expect(error.extensions?.declineCode).toBe('card_declined');
      }
      const processorAuthorize = jest.spyOn(SimulatedCardProcessor.prototype, 'authorize');
      const blocked = errorOf(await charge(chargeInput(userId, good.id)));
      expect(blocked).toMatchObject({
        extensions: { code: 'PAYMENT_DECLINED', declineCode: 'fraud_blocked' },
      });
      expect(processorAuthorize).not.toHaveBeenCalled();
      expect(await transactionsOf(blocked.extensions!.paymentId as string)).toEqual([
        { kind: 'FRAUD_BLOCK', success: false, detail: 'fraud_blocked' },
      ]);

      // Another user's payments are not affected.
      const otherUser = randomUUID();
      const other = await addCard(otherUser, CARDS.approves);
      expect((await charged(chargeInput(otherUser, other.id))).status).toBe('SUCCEEDED');
    });

    it('authorizes and captures the demo data’s saved cards, the approving test card', async () => {
      const seeded = seedData.paymentMethods[0]!;
      expect((await charged(chargeInput(seeded.userId, seeded.id))).status).toBe('SUCCEEDED');
    });

    it('does not block at FRAUD_MAX_DECLINES declines', async () => {
      const userId = randomUUID();
      const declining = await addCard(userId, CARDS.noFunds);
      const good = await addCard(userId, CARDS.approves);
      for (let attempt = 0; attempt < FRAUD.maxDeclines; attempt += 1) {
        await charge(chargeInput(userId, declining.id));
      }
      expect((await charged(chargeInput(userId, good.id))).status).toBe('SUCCEEDED');
    });

    it('authorizes an amount above the review threshold, and holds its capture for review', async () => {
      const userId = randomUUID();
      const method = await addCard(userId, CARDS.approves);
      const processorCapture = jest.spyOn(SimulatedCardProcessor.prototype, 'capture');
      const atThreshold = await charged(
        chargeInput(userId, method.id, { amount: FRAUD.reviewThreshold }),
      );
      expect(atThreshold.status).toBe('SUCCEEDED');
      const held = await charged(
        chargeInput(userId, method.id, { amount: FRAUD.reviewThreshold + 1 }),
      );
      expect(held.status).toBe('PENDING');
      expect(await storedOf(held.id)).toMatchObject({ status: 'AWAITING_REVIEW' });
      expect(await transactionsOf(held.id)).toEqual([
        { kind: 'AUTHORIZE', success: true, detail: expect.stringMatching(/^au_/) },
        { kind: 'REVIEW', success: false, detail: 'requires_review' },
      ]);
      expect(processorCapture).toHaveBeenCalledTimes(1);
    });

    it('declines a review-sized authorization beyond PAYMENT_REVIEW_MAX_PER_CUSTOMER without asking the card', async () => {
      const userId = randomUUID();
      const method = await addCard(userId, CARDS.approves);
      const large = () => chargeInput(userId, method.id, { amount: FRAUD.reviewThreshold + 1 });
      const waiting = [];
      for (let n = 0; n < FRAUD.reviewMaxPerCustomer; n += 1) waiting.push(await charged(large()));
      const processorAuthorize = jest.spyOn(SimulatedCardProcessor.prototype, 'authorize');

      const refused = errorOf(await charge(large()));

      expect(refused).toMatchObject({
        extensions: { code: 'PAYMENT_DECLINED', declineCode: 'review_limit' },
      });
      expect(refused.message).toMatch(/await a review/);
      expect(processorAuthorize).not.toHaveBeenCalled();
      expect(await transactionsOf(refused.extensions!.paymentId as string)).toEqual([
        { kind: 'FRAUD_BLOCK', success: false, detail: 'review_limit' },
      ]);
      // Smaller amounts go on; so does another user's.
      expect((await charged(chargeInput(userId, method.id))).status).toBe('SUCCEEDED');
      const otherUser = randomUUID();
      const other = await addCard(otherUser, CARDS.approves);
      await charged(chargeInput(otherUser, other.id, { amount: FRAUD.reviewThreshold + 1 }));
      // A payment no longer waiting (given back, or expired) frees a place.
      await voidPayment(waiting[0]!.id);
      await queryTestDatabase(
        databaseUrl,
        `UPDATE "Payment" SET "authorizationExpiresAt" = (now() AT TIME ZONE 'UTC') - interval '1 second'
          WHERE "id" = $1`,
        [waiting[1]!.id],
      );
      for (let n = 0; n < FRAUD.reviewMaxPerCustomer; n += 1) await charged(large());
      expect(errorOf(await charge(large())).extensions?.declineCode).toBe('review_limit');
    });
  });

  describe('refundPayment', () => {
    const captured = async (amount = 1_000) => {
      const userId = randomUUID();
      const method = await addCard(userId, CARDS.approves);
      return charged(chargeInput(userId, method.id, { amount, orderNumber: 1043 }));
    };

    it('refunds in part then in full, never more than captured, idempotent by key', async () => {
      const payment = await captured();
      const first = {
        paymentId: payment.id,
        amount: 300,
        idempotencyKey: randomUUID(),
        reason: ' damaged ',
      };
      const partial = await refund(first);
      expect(partial.errors).toBeUndefined();
      expect((partial.data as { refundPayment: PaymentView }).refundPayment).toMatchObject({
        status: 'PARTIALLY_REFUNDED',
        refundedAmount: { amount: 300 },
        refunds: [{ amount: { amount: 300 }, reason: 'damaged' }],
      });
      expect((await refund(first)).data).toEqual(partial.data);
      const conflict = await refund({ ...first, amount: 200 });
      expect(errorOf(conflict).extensions?.code).toBe('CONFLICT');

      const tooMuch = await refund({
        paymentId: payment.id,
        amount: 701,
        idempotencyKey: randomUUID(),
      });
      expect(errorOf(tooMuch)).toMatchObject({
        message: 'At most 700 USD of this payment can be refunded',
        extensions: { code: 'BAD_USER_INPUT', refundable: 700 },
      });
      const rest = await refund({
        paymentId: payment.id,
        amount: 700,
        idempotencyKey: randomUUID(),
      });
      expect((rest.data as { refundPayment: PaymentView }).refundPayment).toMatchObject({
        status: 'REFUNDED',
        refundedAmount: { amount: 1_000 },
      });
      const again = await refund({
        paymentId: payment.id,
        amount: 1,
        idempotencyKey: randomUUID(),
      });
      expect(errorOf(again).extensions?.code).toBe('BAD_USER_INPUT');

      expect((await transactionsOf(payment.id)).map((row) => [row.kind, row.success])).toEqual([
        ['AUTHORIZE', true],
        ['CAPTURE', true],
        ['REFUND', true],
        ['REFUND', true],
      ]);
      const refunded = (await eventsOf(payment.id, 3)).filter(
        (event) => event.type === 'PaymentRefunded',
      );
      expect(refunded.map((event) => event.data)).toEqual([
        expect.objectContaining({
          paymentId: payment.id,
          amount: { amount: 300, currency: 'USD' },
          number: 1043,
        }),
        expect.objectContaining({
          paymentId: payment.id,
          amount: { amount: 700, currency: 'USD' },
        }),
      ]);
    });

    it('never refunds more than captured when refunds race', async () => {
      const payment = await captured(1_000);
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          refund({ paymentId: payment.id, amount: 400, idempotencyKey: randomUUID() }),
        ),
      );
      expect(results.filter((result) => !result.errors)).toHaveLength(2);
      expect(
        results.filter((result) => result.errors?.[0]?.extensions?.code === 'BAD_USER_INPUT'),
      ).toHaveLength(3);
      const [row] = await queryTestDatabase<{ refundedAmount: number; status: string }>(
        databaseUrl,
        `SELECT "refundedAmount", "status"::text FROM "Payment" WHERE "id" = $1`,
        [payment.id],
      );
      expect(row).toEqual({ refundedAmount: 800, status: 'PARTIALLY_REFUNDED' });
    });

    it('refuses declined and unknown payments, and callers without payments:refund', async () => {
      const userId = randomUUID();
      const method = await addCard(userId, CARDS.declines);
      const declined = errorOf(await charge(chargeInput(userId, method.id)));
      const paymentId = declined.extensions!.paymentId as string;
      const input = { paymentId, amount: 1, idempotencyKey: randomUUID() };
      expect(errorOf(await refund(input)).extensions?.code).toBe('BAD_USER_INPUT');
      for (const unknown of [randomUUID(), 'x']) {
        const result = await refund({ ...input, paymentId: unknown });
        expect(errorOf(result).extensions?.code).toBe('NOT_FOUND');
      }
      const done = await captured();
      const callers: Identity[] = [
        userIdentity(userId),
        { kind: 'service', service: 'orders', scopes: ['payments:charge'] },
      ];
      for (const identity of callers) {
        const result = await refund({ ...input, paymentId: done.id }, identity);
        expect(errorOf(result).extensions?.code).toBe('FORBIDDEN');
      }
    });
  });

  // Last: it scans what every test above stored and logged.
  describe('an order cancelled while its charge is on the way (OrderCancelled)', () => {
    const cancel = (orderId: string, userId: string) =>
      payments.bus.publish('orders.events', [
        {
          id: randomUUID(),
          type: 'OrderCancelled',
          aggregateId: orderId,
          version: 2,
          occurredAt: new Date().toISOString(),
          data: { orderId, userId, reason: 'CANCELLED_BY_BUYER', number: 1 },
          correlationId: null,
        },
      ]);
    const cancelledOrderRecorded = async (orderId: string) =>
      (
        await queryTestDatabase(
          databaseUrl,
          `SELECT 1 FROM "CancelledOrder" WHERE "orderId" = $1::uuid`,
          [orderId],
        )
      ).length === 1;
    /** Advisory locks in this test's database, held (granted) or waited for. */
    const advisoryLocks = (granted: boolean) =>
      queryTestDatabase(
        databaseUrl,
        `SELECT 1 FROM pg_locks
          WHERE locktype = 'advisory' AND granted = $1
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [granted],
      );

    it('refuses a charge that arrives after the cancellation was settled: CONFLICT, no payment, the card never asked', async () => {
      const userId = randomUUID();
      const method = await addCard(userId, CARDS.approves);
      const input = chargeInput(userId, method.id);
      await cancel(input.orderId, userId);
      await eventually(async () => expect(await cancelledOrderRecorded(input.orderId)).toBe(true));
      const processorAuthorize = jest.spyOn(SimulatedCardProcessor.prototype, 'authorize');

      expect(errorOf(await charge(input)).extensions).toMatchObject({
        code: 'CONFLICT',
        orderId: input.orderId,
      });
      expect(processorAuthorize).not.toHaveBeenCalled();
      expect(
        await queryTestDatabase(databaseUrl, `SELECT 1 FROM "Payment" WHERE "orderId" = $1::uuid`, [
          input.orderId,
        ]),
      ).toEqual([]);
    });

    it('refunds a charge that was in flight when the cancellation came: the settlement waits for its turn', async () => {
      const userId = randomUUID();
      const method = await addCard(userId, CARDS.approves);
      const input = chargeInput(userId, method.id);
      // The processor answers the authorization only once the cancellation waits for its turn.
      let answer!: () => void;
      const released = new Promise<void>((resolve) => (answer = resolve));
      const authorize = SimulatedCardProcessor.prototype.authorize;
      jest.spyOn(SimulatedCardProcessor.prototype, 'authorize').mockImplementation(async function (
        this: SimulatedCardProcessor,
        request,
      ) {
        await released;
        return authorize.call(this, request);
      });
      const charging = charge(input);
      await eventually(async () => expect(await advisoryLocks(true)).not.toEqual([]));
      await cancel(input.orderId, userId);
      await eventually(async () => expect(await advisoryLocks(false)).not.toEqual([]));
      answer();

      const result = await charging;
      expect(result.errors).toBeUndefined();
      const { id } = (result.data as { chargePayment: PaymentView }).chargePayment;
      await eventually(async () =>
        expect(await storedOf(id)).toMatchObject({ status: 'REFUNDED' }),
      );
      expect(await cancelledOrderRecorded(input.orderId)).toBe(true);
    });
  });

  it('never stores, logs or returns a card number or CVC', async () => {
    // An unexpected failure (a card whose token the simulated processor does not know) makes
    // the subgraph log an error, so the scan below reads real log output.
    const [stranger, strangeCard] = [randomUUID(), randomUUID()];
    await queryTestDatabase(
      databaseUrl,
      `INSERT INTO "PaymentMethod" ("id", "userId", "token", "brand", "last4", "expMonth", "expYear")
       VALUES ($1, $2, 'tok_from_elsewhere', 'VISA', '4242', 1, 2031)`,
      [strangeCard, stranger],
    );
    const failure = await charge(chargeInput(stranger, strangeCard));
    expect(errorOf(failure).extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    // pino hands lines to the stream asynchronously.
    await waitFor(() => logLines.join('').includes('unexpected error in a resolver'));

    const userId = randomUUID();
    const responses: unknown[] = [];
    for (const card of Object.values(CARDS)) {
      const result = await as(userIdentity(userId), ADD, {
        input: { cardNumber: card.cardNumber, cvc: card.cvc, expMonth: 3, expYear: 2032 },
      });
      responses.push(result.body);
    }
    const secrets = Object.values(CARDS).flatMap((card) => [card.cardNumber, card.digits]);
    const cvcs = Object.values(CARDS).map((card) => card.cvc);

    const columns = await queryTestDatabase<{ table_name: string; column_name: string }>(
      databaseUrl,
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'payments' AND table_name <> '_prisma_migrations'
          AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')`,
    );
    expect(columns.map((column) => `${column.table_name}.${column.column_name}`)).toEqual(
      expect.arrayContaining(['PaymentMethod.token', 'PaymentMethod.last4', 'OutboxEvent.data']),
    );
    for (const { table_name: table, column_name: column } of columns) {
      const hits = await queryTestDatabase<{ value: string }>(
        databaseUrl,
        `SELECT "${column}"::text AS value FROM "${table}"
          WHERE "${column}"::text LIKE ANY($1::text[]) OR btrim("${column}"::text) = ANY($2::text[])
             OR "${column}"::text LIKE ANY($3::text[])`,
        [secrets.map((secret) => `%${secret}%`), cvcs, cvcs.map((cvc) => `%"${cvc}"%`)],
      );
      expect({ column: `${table}.${column}`, hits }).toEqual({
        column: `${table}.${column}`,
        hits: [],
      });
    }

    const output = [logLines.join(''), JSON.stringify(responses)].join('\n');
    for (const secret of secrets) expect(output).not.toContain(secret);
    for (const cvc of cvcs) expect(output).not.toContain(`"${cvc}"`);
  });
});
