// Subscription fan-out: N clients (one WebSocket each, as N browsers would
// be) subscribe to PriceChanged of one product through the router on the
// embedded stack; one price change is timed from the mutation's send to its
// arrival at every client. Also the router's memory per idle subscriber.
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ONE_ADDRESS_LIMITS_OFF, graphql, limitsIn, stackSource } from '../lib/stack-process.mjs';

const PRICE_CHANGED = `subscription PriceChanged($productId: ID!) {
  priceChanged(productId: $productId) { id name price { amount currency } } }`;
const UPDATE_PRICE = `mutation UpdatePrice($productId: ID!, $price: MoneyInput!) {
  updatePrice(productId: $productId, price: $price) { id price { amount currency } } }`;
const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { accessToken } }`;
const FIRST_PRODUCT = `query { products(first: 1) { edges { node { id price { amount currency } } } } }`;

const CONNECT_BATCH = 250;

/**
 * The subscribers are anonymous and share this machine's one address, where
 * 5,000 browsers would have 5,000: the per-address rate limit would refuse
 * all but a burst of them (it did from 2026-11-21 on, unnoticed: 356 of
 * 5,000 delivered), and the per-address connection limit all but 256, so
 * both are off here, and the result row says so (`limits`).
 */
export async function subscriptions({ subscribers = 5_000, stacks = stackSource('fresh') } = {}) {
  const stack = await stacks.start({ env: ONE_ADDRESS_LIMITS_OFF });
  const clients = [];
  try {
    const login = await graphql(stack.url, LOGIN, {
      email: 'admin@shop.local',
      password: 'admin-dev-password',
    });
    const admin = { authorization: `Bearer ${login.data.login.accessToken}` };
    const product = (await graphql(stack.url, FIRST_PRODUCT)).data.products.edges[0].node;
    let amount = product.price.amount;
    const changePrice = () =>
      graphql(
        stack.url,
        UPDATE_PRICE,
        { productId: product.id, price: { amount: ++amount, currency: product.price.currency } },
        admin,
      );

    const memoryBefore = stack.memoryBytes();
    const arrivals = new Array(subscribers).fill(undefined);
    let expected = amount;
    let received = 0;
    let onAll;
    for (let first = 0; first < subscribers; first += CONNECT_BATCH) {
      const batch = [];
      for (let index = first; index < Math.min(first + CONNECT_BATCH, subscribers); index++) {
        batch.push(
          new Promise((resolve, reject) => {
            const client = createClient({
              url: stack.url.replace(/^http/, 'ws'),
              webSocketImpl: WebSocket,
              lazy: false,
              retryAttempts: 0,
              onNonLazyError: reject,
              on: { connected: resolve },
            });
            clients.push(client);
            client.subscribe(
              { query: PRICE_CHANGED, variables: { productId: product.id } },
              {
                next: ({ data }) => {
                  if (data?.priceChanged.price.amount !== expected || arrivals[index]) return;
                  arrivals[index] = performance.now();
                  if (++received === subscribers) onAll?.();
                },
                error: (error) => console.error('subscription failed', error),
                complete: () => undefined,
              },
            );
          }),
        );
      }
      await Promise.all(batch);
    }

    // The first change proves every subscription is open end to end; the second is measured.
    const deliver = async () => {
      arrivals.fill(undefined);
      received = 0;
      expected = amount + 1;
      const all = new Promise((resolve) => (onAll = resolve));
      const sentAt = performance.now();
      await changePrice();
      await Promise.race([all, sleep(30_000, undefined, { ref: false })]);
      return arrivals.map((at) => (at === undefined ? Infinity : at - sentAt));
    };
    await deliver();
    await sleep(2_000);
    const memoryIdle = stack.memoryBytes();
    const latencies = (await deliver()).sort((a, b) => a - b);
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    return {
      scenario: `subscription fan-out (${subscribers} clients, embedded stack)`,
      limits: limitsIn(ONE_ADDRESS_LIMITS_OFF),
      delivered: latencies.filter(Number.isFinite).length,
      p50Ms: round(at(0.5)),
      p95Ms: round(at(0.95)),
      p99Ms: round(at(0.99)),
      maxMs: round(latencies.at(-1)),
      memoryPerIdleSubscriberKiB: round((memoryIdle - memoryBefore) / subscribers / 1024),
      peakMemoryMiB: Math.round(stack.peakMemoryBytes() / 2 ** 20),
    };
  } finally {
    await Promise.all(clients.map((client) => client.dispose()));
    await stack.stop();
  }
}

function round(value) {
  return Number.isFinite(value) ? Number(value.toFixed(1)) : value;
}
