// The store's own read operations through the router on the embedded stack
// (or, with `postgres`, on PostgreSQL + Redis): ProductPage, Products (first
// 20), Search and Me (signed in), each exactly as the client contract writes
// it with variables from the seeded data, and ProductPage again on a second
// stack with the entity cache off (ENTITY_CACHE=false) and on a third with
// every operation limit off, for the limits' overhead. Each is checked to
// answer without errors first; then all are loaded in turn, `runs` times,
// and the medians printed. Checkout is its own scenario.
import { contractOperation } from '../lib/contract.mjs';
import { loadProcess } from '../lib/load.mjs';
import { COLUMNS, markdownTable, medianRow, ratio } from '../lib/report.mjs';
import { startServices } from '../lib/services.mjs';
import { ONE_ADDRESS_LIMITS_OFF, graphql, root, stackSource } from '../lib/stack-process.mjs';

/** In flight at once, as a handful of storefront servers would keep. */
const CONNECTIONS = 8;
/** Unmeasured load per operation before the first run, so every one is measured warm. */
const WARMUP_SECONDS = 2;
/** Every operation limit of the router off (0), to measure what the limits cost. */
const NO_OPERATION_LIMITS = Object.fromEntries(
  ['MAX_DEPTH', 'MAX_ALIASES', 'MAX_ROOT_FIELDS', 'MAX_SELECTIONS', 'MAX_TOKENS', 'MAX_COST'].map(
    (name) => [name, '0'],
  ),
);
const CACHE_OFF = 'ProductPage (entity cache off)';
const LIMITS_OFF = 'ProductPage (operation limits off)';

const isError = (answer) => Boolean(answer.errors?.length) || !answer.data;

/** `postgres`: on the machine's PostgreSQL and Redis instead of the embedded PostgreSQL server. */
export async function store({
  seconds = 10,
  runs = 3,
  warmupSeconds = WARMUP_SECONDS,
  postgres = false,
  stacks: source = stackSource('fresh'),
} = {}) {
  const { seedData } = await import(`${root}/internal/seed/dist/index.js`);
  const stacks = [];
  try {
    const cached = await startStack(source, stacks, postgres, {});
    const uncached = await startStack(source, stacks, postgres, { ENTITY_CACHE: 'false' });
    const unlimited = await startStack(source, stacks, postgres, NO_OPERATION_LIMITS);
    const { productId, searchTerm, customer } = variablesFromSeed(seedData);
    const token = await accessToken(cached.url, customer);
    const signedIn = { authorization: `Bearer ${token}` };
    const productPage = { operation: 'ProductPage', variables: { id: productId } };
    const cases = [
      { label: 'ProductPage', stack: cached, ...productPage },
      { label: 'Products', stack: cached, operation: 'Products', variables: { first: 20 } },
      {
        label: 'Search',
        stack: cached,
        operation: 'Search',
        variables: { query: searchTerm, first: 10 },
      },
      { label: 'Me', stack: cached, operation: 'Me', variables: {}, headers: signedIn },
      { label: CACHE_OFF, stack: uncached, ...productPage },
      { label: LIMITS_OFF, stack: unlimited, ...productPage },
    ].map((item) => ({
      ...item,
      body: { query: contractOperation(item.operation), variables: item.variables },
      runs: [],
    }));

    for (const item of cases) await expectAnswer(item);
    console.log(`store: all ${cases.length} operations answer without errors`);
    const options = (item, duration) => ({
      body: item.body,
      headers: item.headers,
      connections: CONNECTIONS,
      seconds: duration,
      isError,
    });
    for (const item of cases) await loadProcess(item.stack, options(item, warmupSeconds));
    for (let run = 1; run <= runs; run++) {
      for (const item of cases) {
        const row = await loadProcess(item.stack, options(item, seconds));
        item.runs.push(row);
        console.log(`store run ${run}/${runs} ${item.label}: ${JSON.stringify(row)}`);
      }
    }
    return report(cases, runs, seconds, postgres);
  } finally {
    for (const stack of stacks.reverse()) await stack.stop();
  }
}

/**
 * Starts a stack from `source` (with fresh databases of its own on
 * PostgreSQL) and records it in `stacks`. One load generator on one address
 * is far above any per-client rate a store would allow: those limits are off.
 */
async function startStack(source, stacks, postgres, env) {
  const services = postgres ? await startServices() : undefined;
  try {
    const stack = await source.start({
      env: { ...services?.env, ...ONE_ADDRESS_LIMITS_OFF, ...env },
    });
    const stop = async () => {
      try {
        await stack.stop();
      } finally {
        await services?.remove();
      }
    };
    stacks.push({ stop });
    return stack;
  } catch (error) {
    await services?.remove();
    throw error;
  }
}

/**
 * The most reviewed product, the word most product names share (a search
 * with several hits), and the customer with the most delivered orders.
 */
function variablesFromSeed(seedData) {
  const mostOf = (items, count) =>
    items.reduce((best, item) => (count(item) > count(best) ? item : best));
  const product = mostOf(
    seedData.products,
    (p) => seedData.reviews.filter((r) => r.productId === p.id).length,
  );
  const words = seedData.products
    .flatMap((p) => p.name.toLowerCase().split(/\W+/))
    .filter((w) => w.length > 3);
  const searchTerm = mostOf(words, (word) => words.filter((w) => w === word).length);
  const customers = seedData.users.filter((u) => u.role === 'CUSTOMER');
  const customer = mostOf(
    customers,
    (u) => seedData.deliveredOrders.filter((o) => o.userId === u.id).length,
  );
  return { productId: product.id, searchTerm, customer };
}

async function accessToken(url, { email, password }) {
  const answer = await graphql(
    url,
    `
      mutation Login($email: String!, $password: String!) {
        login(email: $email, password: $password) {
          accessToken
        }
      }
    `,
    { email, password },
  );
  if (isError(answer)) throw new Error(`Login of ${email} failed: ${JSON.stringify(answer)}`);
  return answer.data.login.accessToken;
}

/** Aborts the scenario unless the operation answers without errors. */
async function expectAnswer({ label, stack, body, headers }) {
  const answer = await graphql(stack.url, body.query, body.variables, headers);
  if (isError(answer)) throw new Error(`${label} failed: ${JSON.stringify(answer).slice(0, 500)}`);
}

function report(cases, runs, seconds, postgres) {
  const runtime = postgres ? 'PostgreSQL + Redis' : 'embedded stack';
  const rows = cases.map((item) => ({ name: item.label, ...medianRow(item.runs) }));
  console.log(
    `\nstore (${runtime}): medians of ${runs} run(s) of ${seconds} s, ${CONNECTIONS} connections each`,
  );
  console.table(rows, ['name', ...COLUMNS]);
  const [cached] = rows;
  const uncached = rows.find((row) => row.name === CACHE_OFF);
  const unlimited = rows.find((row) => row.name === LIMITS_OFF);
  console.log(
    `ProductPage, entity cache off / on: throughput ${ratio(uncached.rps, cached.rps)}, p95 ${ratio(uncached.p95, cached.p95)}`,
  );
  console.log(
    `ProductPage, operation limits on / off: throughput ${ratio(cached.rps, unlimited.rps)}, CPU per request ${ratio(cached.cpuMsPerRequest, unlimited.cpuMsPerRequest)}`,
  );
  console.log(`\n${markdownTable(`store (${runtime})`, rows, runs)}\n`);
  return rows.map((row) => ({ scenario: `store (${runtime}): ${row.name}`, ...row }));
}
