import { graphqlRequest, spyOnStatements } from '@shop/testing';
import { seedData } from '@shop/seed';
import type { RunningStack } from './support/test-stack';
import { startTestStack } from './support/test-stack';

/**
 * Counts the statements node-postgres sends, per database: each subgraph has
 * its own (shop_test_<subgraph>_w<worker>), so the count says which subgraph
 * ran how many queries for one request. The outbox relays and inventory's
 * reservation sweeper poll in the background, in transactions of their own;
 * their statements (the outbox's, and the sweeper's SKIP LOCKED claim) and
 * transaction control, which no read of this request uses, are not the
 * request's.
 */
function countStatements() {
  const spy = spyOnStatements();
  /** The statements a request made, per subgraph: transaction control and background left out. */
  const texts = () => {
    const bySubgraph = new Map<string, string[]>();
    for (const { database, text } of spy.statements) {
      const subgraph = /^shop_test_([a-z]+)_w/.exec(database)?.[1] ?? database;
      const background = text.includes('"OutboxEvent"') || text.includes('SKIP LOCKED');
      if (/^\s*(BEGIN|COMMIT|ROLLBACK)/i.test(text) || background) continue;
      bySubgraph.set(subgraph, [...(bySubgraph.get(subgraph) ?? []), text]);
    }
    return bySubgraph;
  };
  return {
    texts,
    counts: () => new Map([...texts()].map(([subgraph, sent]) => [subgraph, sent.length])),
    restore: spy.stop,
  };
}

/** The subgraphs a Products page with inventory and review authors reads. */
const PAGE_SUBGRAPHS = ['products', 'inventory', 'users'];

const PRODUCTS = `query($first: Int!) { products(first: $first) { totalCount edges { node {
  id name price { amount currency } inventory { available inStock warehouses { warehouse { name } onHand } }
  reviews(first: 5) { edges { node { rating author { id name } } } } } } } }`;

describe('no N+1: the statements per subgraph for a Products page do not grow with the page', () => {
  let stack: RunningStack;
  /** Per-warehouse stock on the page is an ADMIN's to read. */
  let admin: Record<string, string>;
  beforeAll(async () => {
    // The statements are the subject: the router's cache would answer the repeated page itself.
    stack = await startTestStack({ ENTITY_CACHE: 'false' });
    // The seed has 48 products; two more make a page of 50.
    const login = await graphqlRequest<{ login: { accessToken: string } }>(
      stack.router.url,
      'mutation { login(email: "admin@shop.local", password: "admin-dev-password") { accessToken } }',
    );
    admin = { authorization: `Bearer ${login.data!.login.accessToken}` };
    const categoryId = seedData.products[0]!.categoryId;
    for (const name of ['Counting Probe One', 'Counting Probe Two']) {
      await graphqlRequest(
        stack.router.url,
        `mutation($name: String!, $categoryId: ID!) { createProduct(input: { name: $name, description: "A probe.",
           categoryId: $categoryId, price: { amount: 100, currency: "USD" } }) { id } }`,
        { name, categoryId },
        admin,
      );
    }
  }, 60_000);
  afterAll(() => stack.stop());

  async function statementsFor(first: number) {
    // A warm-up request, so connection set-up is not counted.
    await graphqlRequest(stack.router.url, PRODUCTS, { first }, admin);
    const counter = countStatements();
    try {
      const result = await graphqlRequest(stack.router.url, PRODUCTS, { first }, admin);
      expect(result.errors).toBeUndefined();
      const edges = (result.data as { products: { edges: unknown[] } }).products.edges;
      expect(edges).toHaveLength(first);
      // The subgraphs this page reads; the others' background jobs (payments' expiry sweep, event
      // consumers) query on their own schedule, which a request's count must not depend on.
      return Object.fromEntries(
        [...counter.counts()].filter(([subgraph]) => PAGE_SUBGRAPHS.includes(subgraph)),
      );
    } finally {
      counter.restore();
    }
  }

  it('runs the same small number of statements for 10 and for 50 products with inventory and review authors', async () => {
    const ten = await statementsFor(10);
    const fifty = await statementsFor(50);
    expect(fifty).toEqual(ten);
    for (const subgraph of PAGE_SUBGRAPHS) {
      expect(fifty[subgraph]).toBeGreaterThan(0);
      expect(fifty[subgraph]).toBeLessThanOrEqual(6);
    }
    // Printed on purpose: the figure is part of what this test shows.
    process.stdout.write(
      `statements per subgraph for one Products page: ${JSON.stringify(fifty)}\n`,
    );
  });

  it("reads a page of orders' payments with the cards they were paid with in one payments statement", async () => {
    const ORDERS = `query($first: Int!) { allOrders(first: $first) { edges { node {
      id payment { id status amount { amount currency } method { brand last4 } } } } } }`;
    const paymentStatementsFor = async (first: number) => {
      await graphqlRequest(stack.router.url, ORDERS, { first }, admin);
      const counter = countStatements();
      try {
        const result = await graphqlRequest<{
          allOrders: { edges: { node: { payment: { method: { last4: string } } | null } }[] };
        }>(stack.router.url, ORDERS, { first }, admin);
        expect(result.errors).toBeUndefined();
        const payments = result.data!.allOrders.edges.filter(({ node }) => node.payment);
        expect(payments.length).toBeGreaterThan(1);
        for (const { node } of payments) expect(node.payment!.method.last4).toMatch(/^\d{4}$/);
        // Payments' expiry sweep reads on its own schedule, never this request.
        return (counter.texts().get('payments') ?? []).filter(
          (text) => !text.includes('authorizationExpiresAt'),
        ).length;
      } finally {
        counter.restore();
      }
    };
    expect(await paymentStatementsFor(2)).toBe(1);
    expect(await paymentStatementsFor(10)).toBe(1);
  });
});
