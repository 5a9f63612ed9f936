import { setTimeout as sleep } from 'node:timers/promises';
import { eventually, graphqlRequest, TcpRelay, type GraphQLResponse } from '@shop/testing';
import { seedData } from '@shop/seed';
import { ProductPageDocument } from '../../clients/generated/operations';
import { startTestStack, type RunningStack } from './support/test-stack';

// The router's settings in this stack, and what follows from them.
const SUBGRAPH_TIMEOUT_MS = 5_000;
const INVENTORY_TIMEOUT_MS = 1_000;
const BREAKER_COOLDOWN_MS = 2_000;
/** ProductPage's plan: products, then users and inventory, then at most one more stage. */
const PLAN_STAGES = 3;
/** No subgraph call outlives its timeout, retries included, so no answer outlives its plan's. */
const ANSWER_BOUND_MS = PLAN_STAGES * SUBGRAPH_TIMEOUT_MS;
const RECOVERY_MS = 5_000;
const LOOPS = 8;

const productId = seedData.reviews[0]!.productId;

interface Answer {
  startedAt: number;
  endedAt: number;
  response: GraphQLResponse<{ product?: Record<string, unknown> | null }>;
}

const namesInventory = (answer: Answer) =>
  (answer.response.errors ?? []).some(
    (error) =>
      error.extensions?.serviceName === 'inventory' || /inventory/.test(error.message ?? ''),
  );

describe('the product page while the inventory subgraph is down', () => {
  let stack: RunningStack;
  let relay: TcpRelay;

  beforeAll(async () => {
    // Between the router and inventory, so the router really loses it. Inventory listens on a
    // port of the system's choice, which the relay is told once it is known.
    relay = new TcpRelay(0);
    await relay.listen();
    stack = await startTestStack({
      INVENTORY_PORT: '0',
      SUBGRAPH_URL_INVENTORY: `http://127.0.0.1:${relay.port}/graphql`,
      ENTITY_CACHE: 'false',
      RATE_LIMIT_PER_SECOND: '0',
      SUBGRAPH_TIMEOUT_MS: String(SUBGRAPH_TIMEOUT_MS),
      SUBGRAPH_TIMEOUT_MS_INVENTORY: String(INVENTORY_TIMEOUT_MS),
      SUBGRAPH_BREAKER_COOLDOWN_MS: String(BREAKER_COOLDOWN_MS),
    });
    relay.targetPort = stack.subgraphs.find((subgraph) => subgraph.name === 'inventory')!.port;
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    await relay?.close();
  });

  it('answers every request in time, with inventory errors while it is down and whole pages after', async () => {
    const answers: Answer[] = [];
    let running = true;
    const loop = async () => {
      while (running) {
        const startedAt = Date.now();
        const response = await graphqlRequest(stack.router.url, ProductPageDocument, {
          id: productId,
        });
        answers.push({ startedAt, endedAt: Date.now(), response });
      }
    };
    const loops = Array.from({ length: LOOPS }, loop);

    // Whole pages first, however long a busy machine takes to answer them.
    await eventually(() => expect(answers.length).toBeGreaterThanOrEqual(LOOPS), 30_000);
    const cutAt = Date.now();
    await relay.switchTo('refuse');
    await sleep(3_000);
    await relay.switchTo('blackhole');
    // Longer than a cool-down and a trial: a trial call meets the hanging inventory.
    await sleep(BREAKER_COOLDOWN_MS + 2 * INVENTORY_TIMEOUT_MS);
    const restoredAt = Date.now();
    await relay.switchTo('forward');
    await sleep(RECOVERY_MS);
    const startedAfterRecovery = () =>
      answers.filter((answer) => answer.startedAt > restoredAt + RECOVERY_MS);
    await eventually(
      () => expect(startedAfterRecovery().length).toBeGreaterThanOrEqual(LOOPS),
      30_000,
    );
    running = false;
    await Promise.all(loops);

    expect(answers.length).toBeGreaterThan(LOOPS * 4);
    for (const answer of answers) {
      expect(answer.response.status).toBe(200);
      expect(answer.endedAt - answer.startedAt).toBeLessThanOrEqual(ANSWER_BOUND_MS);
    }

    const before = answers.filter((answer) => answer.endedAt < cutAt);
    const during = answers.filter(
      (answer) => answer.startedAt > cutAt && answer.endedAt < restoredAt,
    );
    const recovered = startedAfterRecovery();
    expect(before.length).toBeGreaterThan(0);
    expect(during.length).toBeGreaterThan(0);
    expect(recovered.length).toBeGreaterThan(0);

    for (const answer of before) expect(answer.response.errors).toBeUndefined();
    for (const answer of during) {
      expect(namesInventory(answer)).toBe(true);
      // The page still renders: everything but the stock, which is null.
      const product = answer.response.data?.product;
      expect(product).toMatchObject({ id: productId, name: expect.any(String) });
      expect(product?.price).toBeDefined();
      expect(product?.inventory).toBeNull();
    }
    // Refused connections open the breaker, which fails the rest fast; trials time out.
    const outageCodes = new Set(
      during.flatMap((answer) => answer.response.errors!.map((error) => error.extensions?.code)),
    );
    expect(outageCodes).toContain('SUBGRAPH_UNAVAILABLE');
    expect(outageCodes).toContain('SUBGRAPH_TIMEOUT');
    for (const answer of recovered) {
      expect(answer.response.errors).toBeUndefined();
      expect(answer.response.data?.product?.inventory).toEqual({
        available: expect.any(Number),
        inStock: expect.any(Boolean),
      });
    }
  }, 120_000);
});
