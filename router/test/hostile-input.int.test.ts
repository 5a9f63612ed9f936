import type { DocumentNode } from 'graphql';
import { IDENTITY_HEADER } from '@shop/identity';
import {
  countRows,
  errorCodes,
  graphqlRequest,
  queryTestDatabase,
  type GraphQLResponse,
} from '@shop/testing';
import { startTestStack, type RunningStack } from '../../stack/test/support/test-stack';
import {
  AddAddressDocument,
  AddPaymentMethodDocument,
  AddReviewDocument,
  AddToCartDocument,
  AdvanceOrderDocument,
  CancelOrderDocument,
  CheckoutDocument,
  CreateProductDocument,
  LoginDocument,
  RefreshTokenDocument,
  RegisterDocument,
  RestockDocument,
  SearchDocument,
  SearchSuggestionsDocument,
  UpdateCartItemDocument,
  UpdatePriceDocument,
} from '../../clients/generated/operations';

/**
 * Hostile input through a real router over the real stack: every case gets
 * a clear error with a code, the process keeps answering, and no domain row
 * is written.
 */

/** SQL, a NUL, bidi and zero-width characters, astral symbols, and more text than any field takes. */
const HOSTILE_TEXT = `'; DROP TABLE "User"; -- \u0000\u202e\u200b𝕏🧨 OR 1=1 ${'ä'.repeat(20_000)}`;
const SQL_ID = `1' OR '1'='1`;
const INT_OVERFLOW = 2 ** 31;

/** The tables each subgraph writes when a mutation succeeds. */
const DOMAIN_TABLES: Record<string, string[]> = {
  users: ['User', 'Address', 'RefreshToken'],
  products: ['Category', 'Product', 'Review'],
  orders: ['Cart', 'CartItem', 'Order', 'OrderItem'],
  payments: ['PaymentMethod', 'Payment', 'Refund'],
  inventory: ['StockLevel', 'Reservation'],
};

let stack: RunningStack;
let url: string;
let admin: Record<string, string>;
let rowsBefore: Record<string, number>;
let cases = 0;

async function domainRows(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [subgraph, tables] of Object.entries(DOMAIN_TABLES)) {
    const database = stack.env[`DATABASE_URL_${subgraph.toUpperCase()}`]!;
    for (const table of tables) counts[`${subgraph}.${table}`] = await countRows(database, table);
  }
  return counts;
}

/** Units in stock over every warehouse, to see a restock did not land. */
async function stockTotal(): Promise<number> {
  const database = stack.env.DATABASE_URL_INVENTORY!;
  const [row] = await queryTestDatabase<{ total: string }>(
    database,
    'SELECT coalesce(sum("onHand"), 0) AS total FROM "StockLevel"',
  );
  return Number(row!.total);
}

function post(body: string, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

async function codesOf(response: Response): Promise<unknown[]> {
  const text = await response.text();
  const parsed = JSON.parse(text) as { errors?: { extensions?: { code?: unknown } }[] };
  return (parsed.errors ?? []).map((error) => error.extensions?.code);
}

/** A refusal with a code of its own, and nothing a client should not see. */
function expectCodedRefusal(result: GraphQLResponse, codes?: string[]) {
  expect(result.errors?.length).toBeGreaterThan(0);
  for (const error of result.errors ?? []) {
    expect(typeof error.extensions?.code).toBe('string');
    if (codes) expect(codes).toContain(error.extensions?.code);
    // Stack traces are on outside production (the limits test checks production hides them).
    const { stacktrace: _stacktrace, ...shown } = error.extensions ?? {};
    const visible = JSON.stringify({ message: error.message, shown });
    expect(visible).not.toMatch(/DROP TABLE|prisma|SELECT /i);
    expect(visible).not.toContain('\\u0000');
  }
  expect(result.status).toBeLessThan(500);
}

beforeAll(async () => {
  stack = await startTestStack({ RATE_LIMIT_PER_SECOND: '1000', RATE_LIMIT_BURST: '1000' });
  url = stack.router.url;
  const login = await graphqlRequest(url, LoginDocument, {
    email: 'admin@shop.local',
    password: 'admin-dev-password',
  });
  admin = { authorization: `Bearer ${login.data!.login.accessToken}` };
  rowsBefore = await domainRows();
}, 120_000);

afterEach(async () => {
  cases += 1;
  // The process is still up and answers across subgraphs.
  const followUp = await graphqlRequest(url, '{ categories { id } }');
  expect(followUp.errors).toBeUndefined();
  expect(followUp.data?.categories).toBeDefined();
});

afterAll(async () => {
  try {
    expect(await domainRows()).toEqual(rowsBefore);
  } finally {
    process.stdout.write(`hostile-input: ${cases} cases\n`);
    await stack?.stop();
  }
}, 60_000);

describe('the HTTP transport', () => {
  it.each([
    ['malformed JSON', '{"query": "{ __typename }"'],
    ['JSON with a trailing comma', '{"query": "{ __typename }",}'],
    ['a bare string', '"{ __typename }"'],
    ['a number', '42'],
    ['null', 'null'],
    ['an empty object', '{}'],
    ['a query that is not a string', '{"query": 12}'],
    ['an empty query', '{"query": ""}'],
    ['variables that are not an object', '{"query": "{ __typename }", "variables": "x"}'],
    ['an unknown operation name', '{"query": "query A { __typename }", "operationName": "B"}'],
  ])('refuses %s with 400 and a code', async (_what, body) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    const codes = await codesOf(response);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((code) => typeof code === 'string')).toBe(true);
  });

  it('refuses a batch with BATCHING_NOT_SUPPORTED', async () => {
    const response = await post(JSON.stringify([{ query: '{ __typename }' }]));
    expect(response.status).toBe(400);
    expect(await codesOf(response)).toEqual(['BATCHING_NOT_SUPPORTED']);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'refuses a simple request sent as %s (CSRF prevention)',
    async (contentType) => {
      const response = await post('{"query":"mutation { __typename }"}', {
        'content-type': contentType,
      });
      expect(response.status).toBe(400);
      expect(await codesOf(response)).toEqual(['BAD_REQUEST']);
    },
  );

  it('refuses a GET without a preflight-forcing header (CSRF prevention)', async () => {
    const response = await fetch(`${url}?query=${encodeURIComponent('{ __typename }')}`);
    expect(response.status).toBe(400);
    expect(await codesOf(response)).toEqual(['BAD_REQUEST']);
  });

  it('refuses a mutation over GET with 405', async () => {
    const query = encodeURIComponent('mutation { logout }');
    const response = await fetch(`${url}?query=${query}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect([400, 405]).toContain(response.status);
    expect((await codesOf(response)).length).toBeGreaterThan(0);
  });

  it('answers 406 to an Accept it cannot serve', async () => {
    const response = await post('{"query":"{ __typename }"}', { accept: 'application/xml' });
    expect(response.status).toBe(406);
  });

  it('answers application/graphql-response+json when accepted', async () => {
    const result = await graphqlRequest(url, '{ __typename }');
    expect(result.contentType).toMatch(/^application\/graphql-response\+json/);
  });

  it('refuses a 10 MB body with 413 PAYLOAD_TOO_LARGE', async () => {
    const body = JSON.stringify({ query: '{ __typename }', variables: { x: 'a'.repeat(10e6) } });
    const response = await post(body);
    expect(response.status).toBe(413);
    expect(await codesOf(response)).toEqual(['PAYLOAD_TOO_LARGE']);
  });

  it('refuses a huge string inside the body limit with BAD_USER_INPUT', async () => {
    const name = 'x'.repeat(900_000);
    const result = await graphqlRequest(url, RegisterDocument, {
      input: { email: 'huge@example.com', password: 'long-enough-pw', name },
    });
    expectCodedRefusal(result, ['BAD_USER_INPUT']);
  });

  it('refuses a huge search text with BAD_USER_INPUT', async () => {
    const result = await graphqlRequest(url, SearchDocument, {
      query: 'lamp '.repeat(100_000),
      first: 10,
    });
    expectCodedRefusal(result, ['BAD_USER_INPUT']);
  });

  it('refuses a huge suggestion prefix with BAD_USER_INPUT', async () => {
    const result = await graphqlRequest(url, SearchSuggestionsDocument, {
      prefix: 'l'.repeat(900_000),
    });
    expectCodedRefusal(result, ['BAD_USER_INPUT']);
  });
});

describe('the shape of operations', () => {
  const deep = `{ categories { ${'children { '.repeat(30)}id${' }'.repeat(30)} } }`;
  const wide = `{ ${Array.from({ length: 40 }, (_, n) => `c${n}: categories { id }`).join(' ')} }`;
  const aliasBomb = `{ categories { ${Array.from({ length: 500 }, (_, n) => `a${n}: id`).join(' ')} } }`;
  const fragmentBomb = `{ categories { ...F0 } } ${Array.from(
    { length: 30 },
    (_, n) => `fragment F${n} on Category { ...F${n + 1} ...F${n + 1} }`,
  ).join(' ')} fragment F30 on Category { id }`;

  it.each([
    ['a deep query', deep, 'MAX_DEPTH_EXCEEDED'],
    ['a wide query', wide, 'MAX_ALIASES_EXCEEDED'],
    ['an alias bomb', aliasBomb, 'MAX_ALIASES_EXCEEDED'],
    ['exponential fragment spreads', fragmentBomb, 'MAX_SELECTIONS_EXCEEDED'],
    [
      'a fragment cycle',
      '{ categories { ...A } } fragment A on Category { children { ...A } }',
      'GRAPHQL_VALIDATION_FAILED',
    ],
    ['a token flood', `{ ${'__typename '.repeat(6_000)}}`, 'MAX_TOKENS_EXCEEDED'],
    [
      'a directive flood',
      `{ categories ${'@include(if: true) '.repeat(2_000)} { id } }`,
      'MAX_TOKENS_EXCEEDED',
    ],
    [
      'a page of 2^31-1',
      '{ products(first: 2147483647) { edges { node { id } } } }',
      'COST_LIMIT_EXCEEDED',
    ],
    [
      'nested pages',
      '{ products(first: 100) { edges { node { reviews(first: 100) { edges { node { author { orders(first: 100) { totalCount } } } } } } } } }',
      'COST_LIMIT_EXCEEDED',
    ],
    [
      'a forged _entities call',
      '{ _entities(representations: [{ __typename: "User", id: "x" }]) { __typename } }',
      'GRAPHQL_VALIDATION_FAILED',
    ],
    ['a request for _service', '{ _service { sdl } }', 'GRAPHQL_VALIDATION_FAILED'],
    [
      'an @inaccessible charge',
      'mutation { chargePayment(input: {}) { id } }',
      'GRAPHQL_VALIDATION_FAILED',
    ],
    ['a subscription over HTTP with a bad field', 'subscription { nope }', 'BAD_REQUEST'],
  ])('refuses %s before any subgraph runs it', async (_what, query, code) => {
    const result = await graphqlRequest(url, query, undefined, admin);
    expect(result.status).toBe(400);
    expect(errorCodes(result)).toContain(code);
    expect(result.data).toBeUndefined();
  });
});

describe('variables of the wrong type and out-of-range numbers', () => {
  const page = 'query ($first: Int!) { products(first: $first) { totalCount } }';
  it.each([
    ['a string for Int', { first: 'ten' }],
    ['a float for Int', { first: 1.5 }],
    ['an Int overflowing 32 bits', { first: INT_OVERFLOW }],
    ['null for Int!', { first: null }],
    ['a missing variable', {}],
    ['an object for Int', { first: { $gt: 1 } }],
  ])('refuses %s with BAD_USER_INPUT', async (_what, variables) => {
    const result = await graphqlRequest(url, page, variables);
    expect(result.status).toBe(400);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });

  it.each([
    ['a negative page size', -1],
    ['a page size of 0', 0],
    ['a page size over 100', 101],
  ])('refuses %s with BAD_USER_INPUT', async (_what, first) => {
    const result = await graphqlRequest(url, page, { first });
    expectCodedRefusal(result, ['BAD_USER_INPUT']);
  });

  it.each([
    ['a negative quantity', -5],
    ['a zero quantity', 0],
    ['a quantity overflowing 32 bits', INT_OVERFLOW],
  ])('refuses addToCart with %s', async (_what, quantity) => {
    const result = await graphqlRequest(
      url,
      AddToCartDocument,
      { productId: 'x', quantity },
      admin,
    );
    expectCodedRefusal(result, ['BAD_USER_INPUT', 'NOT_FOUND']);
  });

  it.each([
    ['a negative quantity', -1_000_000],
    ['an overflowing quantity', INT_OVERFLOW],
  ])('refuses a restock with %s and keeps the stock', async (_what, quantity) => {
    const before = await stockTotal();
    const result = await graphqlRequest(
      url,
      RestockDocument,
      { input: { productId: 'x', warehouseId: 'y', quantity } },
      admin,
    );
    expectCodedRefusal(result, ['BAD_USER_INPUT', 'NOT_FOUND']);
    expect(await stockTotal()).toBe(before);
  });

  it('refuses a negative price', async () => {
    const result = await graphqlRequest(
      url,
      UpdatePriceDocument,
      { productId: 'x', price: { amount: -100, currency: 'USD' } },
      admin,
    );
    expectCodedRefusal(result, ['BAD_USER_INPUT', 'NOT_FOUND']);
  });

  it('refuses an unknown enum value', async () => {
    const result = await graphqlRequest(
      url,
      AdvanceOrderDocument,
      { id: 'x', to: 'REFUNDED' as never },
      admin,
    );
    expect(result.status).toBe(400);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('SQL-looking and unicode text in every text input of the contract mutations', () => {
  const text = HOSTILE_TEXT;
  const cases: [string, DocumentNode, Record<string, unknown>][] = [
    [
      'Register.email',
      RegisterDocument,
      { input: { email: text, password: 'long-enough-pw', name: 'N' } },
    ],
    [
      'Register.password',
      RegisterDocument,
      { input: { email: 'x@example.com', password: text, name: 'N' } },
    ],
    [
      'Register.name',
      RegisterDocument,
      { input: { email: 'y@example.com', password: 'long-enough-pw', name: text } },
    ],
    ['Login.email', LoginDocument, { email: text, password: 'whatever-pw' }],
    ['Login.password', LoginDocument, { email: 'admin@shop.local', password: text }],
    ['RefreshToken.refreshToken', RefreshTokenDocument, { refreshToken: text }],
    ...(['line1', 'line2', 'city', 'postalCode', 'country'] as const).map(
      (field) =>
        [
          `AddAddress.${field}`,
          AddAddressDocument,
          {
            input: {
              line1: 'Main St 1',
              city: 'Springfield',
              postalCode: '12345',
              country: 'US',
              [field]: text,
            },
          },
        ] as [string, typeof AddAddressDocument, Record<string, unknown>],
    ),
    [
      'CreateProduct.name',
      CreateProductDocument,
      {
        input: {
          name: text,
          description: 'd',
          categoryId: SQL_ID,
          price: { amount: 100, currency: 'USD' },
        },
      },
    ],
    [
      'CreateProduct.description',
      CreateProductDocument,
      {
        input: {
          name: 'n',
          description: text,
          categoryId: SQL_ID,
          price: { amount: 100, currency: 'USD' },
        },
      },
    ],
    [
      'CreateProduct.categoryId',
      CreateProductDocument,
      {
        input: {
          name: 'n',
          description: 'd',
          categoryId: text,
          price: { amount: 100, currency: 'USD' },
        },
      },
    ],
    [
      'CreateProduct.price.currency',
      CreateProductDocument,
      {
        input: {
          name: 'n',
          description: 'd',
          categoryId: SQL_ID,
          price: { amount: 100, currency: text },
        },
      },
    ],
    [
      'AddReview.productId',
      AddReviewDocument,
      { input: { productId: text, rating: 5, body: 'b' } },
    ],
    [
      'AddReview.title',
      AddReviewDocument,
      { input: { productId: SQL_ID, rating: 5, title: text, body: 'b' } },
    ],
    ['AddReview.body', AddReviewDocument, { input: { productId: SQL_ID, rating: 5, body: text } }],
    [
      'UpdatePrice.productId',
      UpdatePriceDocument,
      { productId: text, price: { amount: 1, currency: 'USD' } },
    ],
    [
      'UpdatePrice.price.currency',
      UpdatePriceDocument,
      { productId: SQL_ID, price: { amount: 1, currency: text } },
    ],
    [
      'Restock.productId',
      RestockDocument,
      { input: { productId: text, warehouseId: SQL_ID, quantity: 1 } },
    ],
    [
      'Restock.warehouseId',
      RestockDocument,
      { input: { productId: SQL_ID, warehouseId: text, quantity: 1 } },
    ],
    ['AddToCart.productId', AddToCartDocument, { productId: text, quantity: 1 }],
    ['UpdateCartItem.productId', UpdateCartItemDocument, { productId: text, quantity: 1 }],
    [
      'Checkout.addressId',
      CheckoutDocument,
      { input: { addressId: text, paymentMethodId: SQL_ID, idempotencyKey: 'k' } },
    ],
    [
      'Checkout.paymentMethodId',
      CheckoutDocument,
      { input: { addressId: SQL_ID, paymentMethodId: text, idempotencyKey: 'k' } },
    ],
    [
      'Checkout.idempotencyKey',
      CheckoutDocument,
      { input: { addressId: SQL_ID, paymentMethodId: SQL_ID, idempotencyKey: text } },
    ],
    ['CancelOrder.id', CancelOrderDocument, { id: text }],
    ['AdvanceOrder.id', AdvanceOrderDocument, { id: text, to: 'SHIPPED' }],
    [
      'AddPaymentMethod.cardNumber',
      AddPaymentMethodDocument,
      { input: { cardNumber: text, expMonth: 12, expYear: 2099, cvc: '123' } },
    ],
    [
      'AddPaymentMethod.cvc',
      AddPaymentMethodDocument,
      { input: { cardNumber: '4242424242424242', expMonth: 12, expYear: 2099, cvc: text } },
    ],
  ];

  it.each(cases)(
    '%s: refused with a code, nothing written',
    async (_field, document, variables) => {
      const result = await graphqlRequest(url, document, variables as never, admin);
      expectCodedRefusal(result);
    },
  );
});

describe('forged calls straight at a subgraph', () => {
  const entities =
    'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email } } }';
  const subgraph = (name: string) => stack.subgraphs.find((candidate) => candidate.name === name)!;

  it.each([
    ['without an identity', {}],
    ['with a forged identity', { [IDENTITY_HEADER]: 'v1.eyJraW5kIjoic2VydmljZSJ9.forged' }],
    ['with an identity of the wrong form', { [IDENTITY_HEADER]: `${'A'.repeat(5000)}` }],
  ])('users refuses _entities %s with 401', async (_what, headers) => {
    const result = await graphqlRequest(
      subgraph('users').url,
      entities,
      { r: [{ __typename: 'User', id: SQL_ID }] },
      headers,
    );
    expect(result.status).toBe(401);
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('payments refuses a charge without a service identity', async () => {
    const result = await graphqlRequest(
      subgraph('payments').url,
      'mutation { chargePayment(input: { orderId: "x", amount: 1 }) { id } }',
    );
    expect(result.status).toBe(401);
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });
});
