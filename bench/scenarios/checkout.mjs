// Checkout: throughput and latency of Checkout mutations through the router,
// each one a real checkout of a fresh cart (stock reserved, card charged,
// order PAID). Shoppers and carts are made first and not measured.
// Issue #5's target on this 2-core machine: ≥ 100 checkouts/s, p95 < 250 ms.
import { loadavg } from 'node:os';
import pg from 'pg';
import { setTimeout as delay } from 'node:timers/promises';
import { contractOperation } from '../lib/contract.mjs';
import { loadEach } from '../lib/load.mjs';
import { startServices } from '../lib/services.mjs';
import { prepareShoppers, stockUp } from '../lib/shoppers.mjs';
import { stackSource } from '../lib/stack-process.mjs';

const CHECKOUT = contractOperation('Checkout');

const TARGET_RPS = 100;
/** In flight at once: what the target needs at p95 = 250 ms (Little's law: 100/s × 0.25 s = 25). */
const CONNECTIONS = 24;
/** Checkouts sent one at a time after the loaded run: latency without queueing. */
const SERIAL_CHECKOUTS = 40;
/** The longest wait for the stack to drain the work of one phase before the next. */
const SETTLE_MAX_SECONDS = 60;

const isError = (body) => body.data?.checkout?.status !== 'PAID';

/**
 * `postgres`: on the machine's PostgreSQL and Redis instead of the embedded
 * PostgreSQL server and its event streams; `cpuProfDir`: the stack writes V8
 * CPU profiles there (at its stop). `connections` in flight (their double
 * is the warm-up's checkouts, which also tell how many shoppers the measured
 * run can use) and `serialCheckouts` are smaller for a smoke run.
 */
export async function checkout({
  seconds = 10,
  postgres = false,
  cpuProfDir,
  connections = CONNECTIONS,
  serialCheckouts = SERIAL_CHECKOUTS,
  stacks = stackSource('fresh'),
} = {}) {
  const services = postgres ? await startServices() : undefined;
  const warmupCheckouts = 2 * connections;
  try {
    const stack = await stacks.start({
      env: services?.env ?? {},
      nodeArgs: cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [],
    });
    // The embedded server holds only the stack's databases; the machine's, the run's own.
    const database = services?.database ?? {
      serverUrl: `postgresql://postgres@127.0.0.1:${stack.env.EMBEDDED_DB_PORT}`,
      names: undefined,
    };
    try {
      const { url } = stack;
      // What the stack spends doing nothing (its pollers), to tell when a phase's work has drained.
      const idleCores = await cpuCores(stack, 3);
      const setupStartedAt = performance.now();
      // Stock for a run at the target, however many shoppers it ends up with.
      const products = await stockUp(url, { checkouts: warmupCheckouts + seconds * TARGET_RPS });
      const warmup = await prepareShoppers(url, products, { count: warmupCheckouts });
      const probe = await loadEach({
        url,
        requests: warmup.map(checkoutOf),
        connections,
        // Long enough for its checkouts to finish rather than run on into the measured one.
        seconds: 3 * seconds,
        isError,
      });
      // A shopper checks out once, and making one costs about as much as its checkout: make
      // twice what the (still cold) warm-up's pace needs, and never more than the target's.
      const count = Math.max(
        warmupCheckouts,
        Math.min(seconds * TARGET_RPS, Math.ceil(probe.rps * seconds * 2)),
      );
      const shoppers = await prepareShoppers(url, products, { count });
      const serialShoppers = await prepareShoppers(url, products, { count: serialCheckouts });
      // Events of the setup (registrations, restocks, warm-up orders) are handled by now.
      await settle(stack, idleCores);
      const setupSeconds = (performance.now() - setupStartedAt) / 1000;

      const loadAverage = loadavg()[0];
      const transactionsBefore = await transactionsOf(database);
      const cpuBefore = stack.cpuSeconds();
      const startedAt = performance.now();
      const result = await loadEach({
        url,
        requests: shoppers.map(checkoutOf),
        connections,
        seconds,
        isError,
      });
      // Checkouts still running (or timed out by the client) finish, and their events are handled.
      await settle(stack, idleCores);
      const busySeconds = stack.cpuSeconds() - cpuBefore;
      const elapsedSeconds = (performance.now() - startedAt) / 1000;
      const idleSeconds = idleCores * elapsedSeconds;
      const transactions = (await transactionsOf(database)) - transactionsBefore;
      // One connection: each checkout alone on the stack, as at low traffic.
      const serial = await loadEach({
        url,
        requests: serialShoppers.map(checkoutOf),
        connections: 1,
        seconds,
        isError,
      });
      return {
        scenario: `checkout (${postgres ? 'PostgreSQL + Redis' : 'embedded stack'})`,
        setupSeconds: Number(setupSeconds.toFixed(1)),
        ...result,
        // The stack's own processes beyond their idle use: the embedded PostgreSQL server
        // included, the machine's PostgreSQL and Redis (--postgres) not.
        // Unlike latency, it does not grow when other work on the machine shares its cores.
        stackCpuMsPerCheckout: Math.round(((busySeconds - idleSeconds) * 1000) / result.sent),
        serialP50: serial.p50,
        serialP95: serial.p95,
        serialErrors: serial.errors,
        // Every database transaction the checkouts caused: their own, the relays' and the consumers'.
        dbTransactionsPerCheckout: Number((transactions / result.sent).toFixed(1)),
        idleStackCpuPercent: Math.round(idleCores * 100),
        loadAverage1m: Number(loadAverage.toFixed(1)),
        peakMemoryMiB: Math.round(stack.peakMemoryBytes() / 2 ** 20),
      };
    } finally {
      await stack.stop();
    }
  } finally {
    await services?.remove();
  }
}

/** Transactions committed or rolled back so far in the stack's databases (pg_stat_database). */
async function transactionsOf({ serverUrl, names }) {
  const client = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT sum(xact_commit + xact_rollback)::bigint AS count FROM pg_stat_database
        WHERE ($1::text[] IS NULL AND datname LIKE 'shop\\_%') OR datname = ANY($1::text[])`,
      [names ?? null],
    );
    return Number(rows[0].count);
  } finally {
    await client.end();
  }
}

/** The stack's CPU use over the next `seconds`, in cores. */
async function cpuCores(stack, seconds) {
  const before = stack.cpuSeconds();
  await delay(seconds * 1000);
  return (stack.cpuSeconds() - before) / seconds;
}

/** Waits until the stack is back to about its idle CPU use, or SETTLE_MAX_SECONDS. */
async function settle(stack, idleCores) {
  const deadline = performance.now() + SETTLE_MAX_SECONDS * 1000;
  while (performance.now() < deadline && (await cpuCores(stack, 1)) > idleCores * 1.5 + 0.05) {
    // still draining
  }
}

/** One shopper's checkout of the whole cart; the key is the shopper's, used once. */
function checkoutOf(shopper) {
  return {
    headers: { authorization: `Bearer ${shopper.token}` },
    body: {
      query: CHECKOUT,
      variables: {
        input: {
          addressId: shopper.addressId,
          paymentMethodId: shopper.paymentMethodId,
          idempotencyKey: `${shopper.name}-checkout`,
        },
      },
    },
  };
}
