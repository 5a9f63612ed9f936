import { parse, print } from 'graphql';
import { randomUUID } from 'node:crypto';
import { IDENTITY_HEADER, signIdentity, type Identity } from '@shop/identity';
import {
  graphqlRequest,
  prepareTestDatabase,
  queryTestDatabase,
  testSubgraphSettings,
  userIdentity,
  ADMIN_IDENTITY,
  identityHeaders,
} from '@shop/testing';
import { seedData, seedId } from '@shop/seed';
import { DEFAULT_FRAUD_SETTINGS, startPaymentsSubgraph } from '@shop/payments';
import { seedPayments } from '../src/seed';

type Running = Awaited<ReturnType<typeof startPaymentsSubgraph>>;

interface PaymentView {
  id: string;
  status: string;
  amount: { amount: number; currency: string };
  refundedAmount: { amount: number; currency: string };
  method: { id: string; brand: string; last4: string };
  refunds: { id: string; amount: { amount: number }; reason: string | null; createdAt: string }[];
}

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const PAYMENT_FIELDS =
  'id status amount { amount currency } refundedAmount { amount currency } method { id brand last4 } refunds { id amount { amount } reason createdAt }';

const totalOf = (order: (typeof seedData.deliveredOrders)[number]) =>
  order.items.reduce((sum, item) => sum + item.quantity * item.unitPrice.amount, 0);

describe('payments subgraph (real PostgreSQL)', () => {
  let subgraph: Running;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('payments');
    subgraph = await startPaymentsSubgraph(
      { ...testSubgraphSettings(databaseUrl), fraud: DEFAULT_FRAUD_SETTINGS },
      { seed: true },
    );
  });
  afterAll(() => subgraph.stop());
  afterEach(() => jest.restoreAllMocks());

  const queryAs = (identity: Identity, text: string, variables?: Record<string, unknown>) =>
    graphqlRequest(subgraph.url, text, variables, identityHeaders(identity));
  const query = (text: string, variables?: Record<string, unknown>) =>
    queryAs(ADMIN_IDENTITY, text, variables);

  const entitiesAs = (identity: Identity, selection: string, reps: Record<string, unknown>[]) =>
    queryAs(
      identity,
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ${selection} } }`,
      { reps },
    );

  const entities = async <T>(selection: string, reps: Record<string, unknown>[]) => {
    const result = await entitiesAs(ADMIN_IDENTITY, selection, reps);
    expect(result.errors).toBeUndefined();
    return (result.data as { _entities: T[] })._entities;
  };

  const orderPayments = (orderIds: string[]) =>
    entities<{ id: string; payment: PaymentView | null }>(
      `... on Order { id payment { ${PAYMENT_FIELDS} } }`,
      orderIds.map((id) => ({ __typename: 'Order', id })),
    );

  it('publishes the contract’s PaymentStatus and never a token or card number', async () => {
    const result = await query('{ _service { sdl } }');
    // Through graphql's printer, so the assertions read the schema, not one printer's layout.
    const sdl = print(parse((result.data as { _service: { sdl: string } })._service.sdl));
    expect(sdl).toMatch(/type User @key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Order @key\(fields: "id"\)/);
    const statuses = /enum PaymentStatus \{([^}]*)\}/.exec(sdl)?.[1]?.match(/^\s*[A-Z_]+$/gm);
    expect(statuses?.map((value) => value.trim())).toEqual([
      'PENDING',
      'SUCCEEDED',
      'DECLINED',
      'REFUNDED',
      'PARTIALLY_REFUNDED',
    ]);
    expect(sdl).not.toMatch(/^\s*\w*token\w*\s*[:(]/im);
    // The card number and CVC are only ever input, never part of a type that is answered.
    const outside = sdl.replace(/input AddPaymentMethodInput \{[^}]*\}/, '');
    expect(outside).not.toMatch(/^\s*\w*(cardNumber|cvc)\w*\s*[:(]/im);
  });

  it('lists each user’s saved cards through the User entity', async () => {
    const users = await entities<{ id: string; paymentMethods: Record<string, unknown>[] }>(
      '... on User { id paymentMethods { id brand last4 expMonth expYear } }',
      [
        ...seedData.users.map((user) => ({ __typename: 'User', id: user.id })),
        { __typename: 'User', id: UNKNOWN_ID },
      ],
    );
    expect(users).toEqual([
      ...seedData.users.map((user) => {
        const method = seedData.paymentMethods.find((candidate) => candidate.userId === user.id)!;
        return {
          id: user.id,
          paymentMethods: [
            {
              id: method.id,
              brand: method.brand,
              last4: method.last4,
              expMonth: method.expMonth,
              expYear: method.expYear,
            },
          ],
        };
      }),
      { id: UNKNOWN_ID, paymentMethods: [] },
    ]);
  });

  it('leaves removed cards out and puts the newest first, in one query for all users', async () => {
    const user = seedData.users[3]!;
    const [newer, removed] = [randomUUID(), randomUUID()];
    await queryTestDatabase(
      databaseUrl,
      `INSERT INTO "PaymentMethod" ("id", "userId", "token", "brand", "last4", "expMonth", "expYear", "createdAt", "removedAt")
       VALUES ($1, $3, $4, 'MASTERCARD', '4444', 1, 2031, now() + interval '1 hour', NULL),
              ($2, $3, $5, 'AMEX', '0005', 2, 2032, now() + interval '2 hours', now())`,
      [newer, removed, user.id, `tok_${newer}`, `tok_${removed}`],
    );
    const findMany = jest.spyOn(subgraph.db.prisma.paymentMethod, 'findMany');
    const users = await entities<{ id: string; paymentMethods: { id: string }[] }>(
      '... on User { id paymentMethods { id } }',
      [user, seedData.users[0]!].map(({ id }) => ({ __typename: 'User', id })),
    );
    expect(users[0]!.paymentMethods.map((method) => method.id)).toEqual([
      newer,
      seedId('payment-method', user.email),
    ]);
    expect(users[1]!.paymentMethods).toHaveLength(1);
    expect(findMany).toHaveBeenCalledTimes(1);
  });

  /**
   * How many statements read orders' latest payments from now on (raw SQL, so
   * counted by their text: the subgraph's background work shares the client).
   */
  const latestPaymentReads = () => {
    const queryRaw = jest.spyOn(subgraph.db.prisma, '$queryRaw');
    return () =>
      queryRaw.mock.calls.filter(([strings]) =>
        (strings as TemplateStringsArray).join('?').includes('DISTINCT ON (p."orderId")'),
      ).length;
  };

  it('answers Order.payment with the seeded capture of every delivered order, batched', async () => {
    const latestPayments = latestPaymentReads();
    const spies = {
      paymentMethod: jest.spyOn(subgraph.db.prisma.paymentMethod, 'findMany'),
      refund: jest.spyOn(subgraph.db.prisma.refund, 'findMany'),
    };
    const orders = await orderPayments(seedData.deliveredOrders.map((order) => order.id));
    expect(orders).toEqual(
      seedData.deliveredOrders.map((order) => {
        const method = seedData.paymentMethods.find(
          (candidate) => candidate.userId === order.userId,
        )!;
        return {
          id: order.id,
          payment: {
            id: seedId('payment', order.id),
            status: 'SUCCEEDED',
            amount: { amount: totalOf(order), currency: 'USD' },
            refundedAmount: { amount: 0, currency: 'USD' },
            method: { id: method.id, brand: 'VISA', last4: '4242' },
            refunds: [],
          },
        };
      }),
    );
    // The payments with the cards they were paid with in one statement, the refunds in another.
    expect(latestPayments()).toBe(1);
    expect(spies.paymentMethod).not.toHaveBeenCalled();
    expect(spies.refund).toHaveBeenCalledTimes(1);
  });

  it('answers null for an order without a payment, whatever its id looks like', async () => {
    const orders = await entities<{ id: string; payment: unknown }>(
      '... on Order { id payment { id } }',
      [
        { __typename: 'Order', id: UNKNOWN_ID },
        { __typename: 'Order', id: 'not-a-uuid' },
      ],
    );
    expect(orders).toEqual([
      { id: UNKNOWN_ID, payment: null },
      { id: 'not-a-uuid', payment: null },
    ]);
  });

  it('resolves Payment and PaymentMethod references, null for unknown ids', async () => {
    const order = seedData.deliveredOrders[0]!;
    const method = seedData.paymentMethods[0]!;
    const result = await entities<Record<string, unknown> | null>(
      '... on Payment { id status amount { amount } } ... on PaymentMethod { id last4 }',
      [
        { __typename: 'Payment', id: seedId('payment', order.id) },
        { __typename: 'Payment', id: UNKNOWN_ID },
        { __typename: 'Payment', id: 'x' },
        { __typename: 'PaymentMethod', id: method.id },
        { __typename: 'PaymentMethod', id: UNKNOWN_ID },
      ],
    );
    expect(result).toEqual([
      { id: seedId('payment', order.id), status: 'SUCCEEDED', amount: { amount: totalOf(order) } },
      null,
      null,
      { id: method.id, last4: method.last4 },
      null,
    ]);
  });

  it('shows the latest payment of an order and its refunds oldest first', async () => {
    const order = seedData.deliveredOrders[5]!;
    const paymentId = seedId('payment', order.id);
    await queryTestDatabase(
      databaseUrl,
      `INSERT INTO "Payment" ("id", "orderId", "userId", "paymentMethodId", "idempotencyKey", "amount", "currency", "status", "createdAt", "updatedAt")
       VALUES ($1, $2, $3, $4, $5, $6, 'USD', 'DECLINED', $7::timestamptz - interval '1 minute', now())`,
      [
        randomUUID(),
        order.id,
        order.userId,
        seedId('payment-method', seedData.users.find((u) => u.id === order.userId)!.email),
        randomUUID(),
        totalOf(order),
        order.createdAt,
      ],
    );
    const [later, earlier] = [randomUUID(), randomUUID()];
    await queryTestDatabase(
      databaseUrl,
      `INSERT INTO "Refund" ("id", "paymentId", "idempotencyKey", "amount", "currency", "reason", "createdAt")
       VALUES ($1, $3, $4, 200, 'USD', NULL, now()), ($2, $3, $5, 100, 'USD', 'damaged', now() - interval '1 day')`,
      [later, earlier, paymentId, randomUUID(), randomUUID()],
    );
    await queryTestDatabase(
      databaseUrl,
      `UPDATE "Payment" SET "refundedAmount" = 300, "status" = 'PARTIALLY_REFUNDED' WHERE "id" = $1`,
      [paymentId],
    );

    const payment = (await orderPayments([order.id]))[0]!.payment!;
    expect(payment).toMatchObject({
      id: paymentId,
      status: 'PARTIALLY_REFUNDED',
      refundedAmount: { amount: 300, currency: 'USD' },
    });
    expect(
      payment.refunds.map((refund) => [refund.id, refund.amount.amount, refund.reason]),
    ).toEqual([
      [earlier, 100, 'damaged'],
      [later, 200, null],
    ]);
  });

  it('logs an authorize and a capture per seeded payment and seeds only once', async () => {
    const rows = await queryTestDatabase<{ kind: string; count: string }>(
      databaseUrl,
      `SELECT "kind", count(*) FROM "PaymentTransaction" WHERE "success" AND "paymentId" IS NOT NULL GROUP BY "kind" ORDER BY "kind"`,
    );
    expect(rows.map((row) => [row.kind, Number(row.count)])).toEqual([
      ['AUTHORIZE', seedData.deliveredOrders.length],
      ['CAPTURE', seedData.deliveredOrders.length],
    ]);
    await expect(seedPayments(subgraph.db)).resolves.toBe(false);
  });

  it('keeps the transaction log append-only', async () => {
    await expect(
      queryTestDatabase(databaseUrl, `UPDATE "PaymentTransaction" SET "success" = false`),
    ).rejects.toThrow(/append-only/);
    await expect(
      queryTestDatabase(databaseUrl, `DELETE FROM "PaymentTransaction"`),
    ).rejects.toThrow(/append-only/);
    const [row] = await queryTestDatabase<{ count: string }>(
      databaseUrl,
      `SELECT count(*) FROM "PaymentTransaction" WHERE "success"`,
    );
    expect(Number(row!.count)).toBe(seedData.deliveredOrders.length * 2);
  });

  it('refuses a refunded amount above the payment amount', async () => {
    const paymentId = seedId('payment', seedData.deliveredOrders[1]!.id);
    await expect(
      queryTestDatabase(
        databaseUrl,
        `UPDATE "Payment" SET "refundedAmount" = "amount" + 1 WHERE "id" = $1`,
        [paymentId],
      ),
    ).rejects.toThrow(/Payment_refund_within_amount/);
    const [row] = await queryTestDatabase<{ refundedAmount: number }>(
      databaseUrl,
      `SELECT "refundedAmount" FROM "Payment" WHERE "id" = $1`,
      [paymentId],
    );
    expect(row!.refundedAmount).toBe(0);
  });

  describe('who may see cards and payments', () => {
    const [own, other] = seedData.deliveredOrders.filter(
      (order, index, all) => all.findIndex((first) => first.userId === order.userId) === index,
    );
    const payer = userIdentity(own!.userId);
    const methodOf = (userId: string) =>
      seedData.paymentMethods.find((method) => method.userId === userId)!;
    const errorsOf = (result: Awaited<ReturnType<typeof query>>) =>
      result.errors?.map((error) => ({
        message: error.message,
        code: error.extensions?.code,
        path: error.path,
      }));

    it('gives User.paymentMethods to the user and ADMINs; to others null with NOT_FOUND', async () => {
      const users = [own!.userId, other!.userId].map((id) => ({ __typename: 'User', id }));
      const selection = '... on User { id paymentMethods { id last4 } }';

      const mine = await entitiesAs(payer, selection, users);
      expect(mine.data).toEqual({
        _entities: [
          {
            id: own!.userId,
            paymentMethods: [{ id: methodOf(own!.userId).id, last4: methodOf(own!.userId).last4 }],
          },
          { id: other!.userId, paymentMethods: null },
        ],
      });
      expect(errorsOf(mine)).toEqual([
        { message: 'User not found', code: 'NOT_FOUND', path: ['_entities', 1, 'paymentMethods'] },
      ]);

      const admin = await entitiesAs(ADMIN_IDENTITY, selection, users);
      expect(admin.errors).toBeUndefined();
      expect(
        (admin.data as { _entities: { paymentMethods: unknown[] }[] })._entities.map(
          (user) => user.paymentMethods.length,
        ),
      ).toEqual([1, 1]);

      const anonymous = await entitiesAs({ kind: 'anonymous' }, selection, users.slice(0, 1));
      expect(anonymous.data).toEqual({ _entities: [{ id: own!.userId, paymentMethods: null }] });
      expect(errorsOf(anonymous)?.map((error) => error.code)).toEqual(['UNAUTHENTICATED']);
    });

    it('gives Order.payment to its payer and ADMINs; to others null exactly like no payment, batched', async () => {
      const orders = [own!.id, other!.id, UNKNOWN_ID].map((id) => ({ __typename: 'Order', id }));
      const selection = '... on Order { id payment { id method { id } } }';
      const latestPayments = latestPaymentReads();

      const mine = await entitiesAs(payer, selection, orders);
      expect(latestPayments()).toBe(1);
      expect(mine.data).toEqual({
        _entities: [
          {
            id: own!.id,
            payment: { id: seedId('payment', own!.id), method: { id: methodOf(own!.userId).id } },
          },
          { id: other!.id, payment: null },
          { id: UNKNOWN_ID, payment: null },
        ],
      });
      // Someone else's payment and no payment at all look the same.
      expect(mine.errors).toBeUndefined();

      const admin = await entitiesAs(ADMIN_IDENTITY, selection, orders.slice(1, 2));
      expect(admin.errors).toBeUndefined();
      expect(admin.data).toMatchObject({
        _entities: [{ id: other!.id, payment: { id: seedId('payment', other!.id) } }],
      });

      const anonymous = await entitiesAs({ kind: 'anonymous' }, selection, orders.slice(0, 1));
      expect(anonymous.data).toEqual({ _entities: [{ id: own!.id, payment: null }] });
      expect(errorsOf(anonymous)?.map((error) => error.code)).toEqual(['UNAUTHENTICATED']);
    });

    it('resolves forged Payment and PaymentMethod references of another customer to null', async () => {
      const reps = [own!, other!].flatMap((order) => [
        { __typename: 'Payment', id: seedId('payment', order.id) },
        { __typename: 'PaymentMethod', id: methodOf(order.userId).id },
      ]);
      const selection = '... on Payment { id amount { amount } } ... on PaymentMethod { id last4 }';
      const findMany = jest.spyOn(subgraph.db.prisma.paymentMethod, 'findMany');

      const mine = await entitiesAs(payer, selection, reps);
      expect(mine.errors).toBeUndefined();
      expect(mine.data).toEqual({
        _entities: [
          { id: seedId('payment', own!.id), amount: { amount: totalOf(own!) } },
          { id: methodOf(own!.userId).id, last4: methodOf(own!.userId).last4 },
          null,
          null,
        ],
      });
      expect(findMany).toHaveBeenCalledTimes(1);

      const anonymous = await entitiesAs({ kind: 'anonymous' }, selection, reps);
      expect(anonymous.data).toEqual({ _entities: [null, null, null, null] });

      const service = await entitiesAs(
        { kind: 'service', service: 'orders', scopes: [] },
        selection,
        reps,
      );
      expect((service.data as { _entities: unknown[] })._entities.every(Boolean)).toBe(true);
    });

    it('refuses requests without a correctly signed identity with HTTP 401 and no data', async () => {
      const body = [
        'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on PaymentMethod { id last4 } } }',
        { reps: [{ __typename: 'PaymentMethod', id: methodOf(own!.userId).id }] },
      ] as const;
      const unsigned = await graphqlRequest(subgraph.url, ...body);
      const wrongSecret = await graphqlRequest(subgraph.url, ...body, {
        [IDENTITY_HEADER]: signIdentity(ADMIN_IDENTITY, 'not-the-shared-secret'),
      });
      for (const result of [unsigned, wrongSecret]) {
        expect(result.status).toBe(401);
        expect(result.data ?? null).toBeNull();
        expect(JSON.stringify(result.body)).not.toContain(methodOf(own!.userId).last4);
      }
    });
  });
});
