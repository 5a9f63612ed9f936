// Checkout: throughput and latency of Checkout mutations through the router,
// each one a real checkout of a fresh cart (stock reserved, card charged,
// order PAID). Shoppers and carts are made first and not measured.
// Issue #5's target on this 2-core machine: ≥ 100 checkouts/s, p95 < 250 ms.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { setTimeout as delay } from 'node:timers/promises';
import { contractOperation } from '../lib/contract.mjs';
import { loadEach } from '../lib/load.mjs';
import { startServices, SUBGRAPHS } from '../lib/services.mjs';
import { prepareShoppers, stockUp } from '../lib/shoppers.mjs';
import { CLOCK_TICKS_PER_SECOND, root, startStackProcess } from '../lib/stack-process.mjs';
import { freePort } from '@shop/platform';

const CHECKOUT = contractOperation('Checkout');

const TARGET_RPS = 100;
/** In flight at once: what the target needs at p95 = 250 ms (Little's law: 100/s × 0.25 s = 25). */
const CONNECTIONS = 24;
/**
 * Warm-up checkouts per connection, before any run is measured: the stack's
 * CPU per checkout falls until some hundreds have run (V8's optimizing tiers,
 * every pooled connection's prepared statements and caches). With 48 (2 per
 * connection), a first run of 690 checkouts cost 23 ms of the stack's CPU
 * each where the next three cost 16 (2026-12-07), and the figures measured
 * start-up more than the code.
 */
const WARMUP_PER_CONNECTION = 20;
/** The longest the warm-up may take: its checkouts run at a cold stack's pace. */
const WARMUP_MAX_SECONDS = 60;
/** Checkouts sent one at a time after the loaded run: latency without queueing. */
const SERIAL_CHECKOUTS = 40;
/** The longest wait for the stack to drain the work of one phase before the next. */
const SETTLE_MAX_SECONDS = 60;

const isError = (body) => body.data?.checkout?.status !== 'PAID';

/**
 * `postgres`: on the machine's PostgreSQL and Redis instead of the embedded
 * PostgreSQL server and its event streams; `cpuProfDir`: the stack writes V8
 * CPU profiles there (at its stop); `runs`: measured loads on the one stack,
 * each of fresh shoppers, reported with their medians; `baseline`: the stack
 * built in that checkout runs beside this one's, measured the same way (runs
 * of as many checkouts, taken in turn), with the ratios of the medians.
 * `connections` in flight (20 warm-up checkouts each) and `serialCheckouts`
 * are smaller in a smoke run, which still starts a stack of its own: the
 * figures read each subgraph's /metrics at ports chosen here.
 */
export async function checkout({
  seconds = 10,
  runs = 1,
  postgres = false,
  cpuProfDir,
  baseline,
  connections = CONNECTIONS,
  serialCheckouts = SERIAL_CHECKOUTS,
} = {}) {
  const mode = postgres ? 'PostgreSQL + Redis' : 'embedded stack';
  const targets = [
    { name: 'this', root },
    ...(baseline ? [{ name: 'baseline', root: path.resolve(baseline) }] : []),
  ];
  const options = { seconds, runs, postgres, cpuProfDir, connections, serialCheckouts };
  const stacks = [];
  try {
    // Both stacks up at once and their runs taken in turn, the order swapped every round (this,
    // baseline, baseline, this, this, …): this machine's speed drifts by more from minute to
    // minute than most changes move a figure, and a drift then weighs on both alike, as does
    // what one stack's run leaves its database to do (autovacuum) while the other's runs.
    for (const target of targets) stacks.push(await openStack(target.root, options));
    // Every run of both stacks as long, in checkouts: a run of fewer spends more of itself
    // ramping up (2,400 checkouts ran at 82-93/s where 1,100 on the same code ran at 69-83/s).
    const shoppers = Math.max(...stacks.map((stack) => stack.shoppersPerRun));
    const measured = stacks.map(() => []);
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? [...stacks.keys()] : [...stacks.keys()].reverse();
      for (const index of order) measured[index].push(await stacks[index].measure(shoppers));
    }
    const serials = [];
    for (const stack of stacks) serials.push(await stack.serial());
    const rows = [];
    const medians = [];
    for (const [index, target] of targets.entries()) {
      const label = `checkout (${mode}${baseline ? `, ${target.name}` : ''})`;
      const results = measured[index].map((result) => ({
        ...result,
        ...serials[index],
        peakMemoryMiB: stacks[index].peakMemoryMiB(),
      }));
      for (const [run, result] of results.entries()) {
        rows.push({ scenario: `${label} run ${run + 1}`, ...result });
      }
      const median = medianRow(results);
      medians.push(median);
      if (runs > 1 || baseline) rows.push({ scenario: `${label} median`, ...median });
    }
    if (baseline) {
      const [current, base] = medians;
      const ratio = (key, digits = 2) =>
        base[key] ? Number((current[key] / base[key]).toFixed(digits)) : null;
      rows.push({
        scenario: `checkout (${mode}) this / baseline`,
        rps: ratio('rps'),
        p95: ratio('p95'),
        stackCpuMsPerCheckout: ratio('stackCpuMsPerCheckout'),
        databaseCpuMsPerCheckout: ratio('databaseCpuMsPerCheckout'),
        servicesCpuMsPerCheckout: ratio('servicesCpuMsPerCheckout'),
        subgraphCallsPerCheckout: ratio('subgraphCallsPerCheckout'),
        dbTransactionsPerCheckout: ratio('dbTransactionsPerCheckout'),
        serialP95: ratio('serialP95'),
      });
    }
    return rows.length === 1 ? rows[0] : rows;
  } finally {
    for (const stack of stacks) await stack.close();
  }
}

/** The median of each numeric figure over the runs. */
function medianRow(runs) {
  const row = {};
  for (const key of Object.keys(runs[0])) {
    const values = runs.map((run) => run[key]);
    if (values.every((value) => typeof value === 'number')) {
      const sorted = [...values].sort((a, b) => a - b);
      row[key] = sorted[Math.floor(sorted.length / 2)];
    }
  }
  return row;
}

/**
 * The stack built in `checkoutRoot`, started, watched idle, stocked for
 * `runs` loads at the target and warmed up: `measure(count)` loads it with
 * `count` fresh shoppers once (`shoppersPerRun`: as many as its warm-up's
 * pace suggests), `serial()` checks out one at a time, `close()` stops it.
 */
async function openStack(
  checkoutRoot,
  { seconds, runs, postgres, cpuProfDir, connections, serialCheckouts },
) {
  // Warm-up checkouts, which also tell how many shoppers the measured runs can use.
  const warmupCheckouts = WARMUP_PER_CONNECTION * connections;
  const services = postgres ? await startServices() : undefined;
  const embeddedPort = postgres ? undefined : await freePort();
  // The embedded server holds only the stack's databases; the machine's, the run's own.
  const database = services?.database ?? {
    serverUrl: `postgresql://postgres@127.0.0.1:${embeddedPort}`,
    names: undefined,
  };
  // Known ports, so each subgraph's /metrics (its served requests, its database traffic) can be read.
  const subgraphPorts = {};
  for (const name of SUBGRAPHS) subgraphPorts[name] = await freePort();
  const nodeArgs = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  let stack;
  try {
    stack = await startStackProcess({
      checkout: checkoutRoot,
      nodeArgs,
      env: {
        ...(services?.env ?? { EMBEDDED_DB_PORT: String(embeddedPort) }),
        ...Object.fromEntries(
          SUBGRAPHS.map((name) => [`${name.toUpperCase()}_PORT`, String(subgraphPorts[name])]),
        ),
      },
    });
    const { url } = stack;
    const read = () => readings(stack, database, subgraphPorts);
    // What the stack does when idle (its pollers), to tell when a phase's work has drained and
    // to leave out of what the checkouts cost.
    const idleStart = await read();
    await delay(IDLE_SECONDS * 1000);
    const idle = since(await read(), idleStart);
    const idleCores = idle.cpu / idle.seconds;
    const setupStartedAt = performance.now();
    // Stock for every run at the target, however many shoppers they end up with.
    const products = await stockUp(url, {
      checkouts: warmupCheckouts + runs * seconds * TARGET_RPS,
    });
    const warmup = await prepareShoppers(url, products, { count: warmupCheckouts });
    const probe = await loadEach({
      url,
      requests: warmup.map(checkoutOf),
      connections,
      // Long enough for its checkouts to finish rather than run on into the measured one.
      seconds: WARMUP_MAX_SECONDS,
      isError,
    });
    // A shopper checks out once, and making one costs about as much as its checkout: make
    // twice what the warm-up's pace needs (its start was still cold), and never more than the
    // target's.
    const shoppersPerRun = Math.max(
      warmupCheckouts,
      Math.min(seconds * TARGET_RPS, Math.ceil(probe.rps * seconds * 2)),
    );
    const serialShoppers = await prepareShoppers(url, products, { count: serialCheckouts });
    const setupSeconds = Number(((performance.now() - setupStartedAt) / 1000).toFixed(1));
    const opened = stack;
    return {
      shoppersPerRun,
      measure: async (count) => {
        const shoppers = await prepareShoppers(url, products, { count });
        // Events of the setup (registrations, restocks, earlier orders) are handled by now.
        await settle(opened, idleCores);
        const loadAverage = loadavg()[0];
        const before = await read();
        // On the monotonic clock V8's profiles use, for `profile-summary.mjs --window`.
        const windowStart = process.hrtime.bigint() / 1000n;
        const result = await loadEach({
          url,
          requests: shoppers.map(checkoutOf),
          connections,
          seconds,
          isError,
        });
        // Checkouts still running (or timed out by the client) finish, and their events are handled.
        await settle(opened, idleCores);
        const windowEnd = process.hrtime.bigint() / 1000n;
        const measured = since(await read(), before);
        // Each figure beyond what the stack did idle over as long.
        const net = (key) => measured[key] - (idle[key] * measured.seconds) / idle.seconds;
        const perCheckout = (value, digits = 1) => Number((value / result.sent).toFixed(digits));
        return {
          setupSeconds,
          ...result,
          // The stack's own processes beyond their idle use: the embedded PostgreSQL server
          // included, the machine's PostgreSQL and Redis (--postgres) not.
          // Unlike latency, it does not grow when other work on the machine shares its cores.
          stackCpuMsPerCheckout: Math.round((net('cpu') * 1000) / result.sent),
          // The database's backends serving the stack's databases, in both modes (embedded: part
          // of the figure above); the services' processes are the rest of the stack's.
          databaseCpuMsPerCheckout: perCheckout(net('databaseCpu') * 1000),
          servicesCpuMsPerCheckout: perCheckout(
            (net('cpu') - (postgres ? 0 : net('databaseCpu'))) * 1000,
          ),
          // Requests the subgraphs served (the router's fetches and the saga's calls between
          // them), and the queries their processes sent PostgreSQL: all, and the statements.
          subgraphCallsPerCheckout: perCheckout(net('calls')),
          dbRoundTripsPerCheckout: perCheckout(net('roundTrips')),
          dbStatementsPerCheckout: perCheckout(net('statements')),
          // Every database transaction the checkouts caused: their own, the relays' and the
          // consumers'.
          dbTransactionsPerCheckout: perCheckout(net('transactions')),
          idleStackCpuPercent: Math.round(idleCores * 100),
          loadAverage1m: Number(loadAverage.toFixed(1)),
          ...(cpuProfDir ? { profileWindow: `${windowStart},${windowEnd}` } : {}),
          byService: perServiceFigures(measured.byService, idle, measured.seconds, result.sent),
        };
      },
      // One connection: each checkout alone on the stack, as at low traffic.
      serial: async () => {
        const serial = await loadEach({
          url,
          requests: serialShoppers.map(checkoutOf),
          connections: 1,
          seconds,
          isError,
        });
        return { serialP50: serial.p50, serialP95: serial.p95, serialErrors: serial.errors };
      },
      peakMemoryMiB: () => Math.round(opened.peakMemoryBytes() / 2 ** 20),
      close: async () => {
        try {
          await opened.stop();
        } finally {
          await services?.remove();
        }
      },
    };
  } catch (error) {
    try {
      await stack?.stop();
    } finally {
      await services?.remove();
    }
    throw error;
  }
}

/** How long the idle stack is watched, for what it does without load. */
const IDLE_SECONDS = 3;

/** The stack's counters now: CPU, its databases' transactions and backends, its subgraphs' own. */
async function readings(stack, database, ports) {
  const transactionsByDatabase = await transactionsOf(database);
  const counters = await subgraphCounters(ports);
  return {
    at: performance.now(),
    cpu: stack.cpuSeconds(),
    cpuByProgram: stack.cpuSecondsByProgram(),
    transactions: sumOf(Object.values(transactionsByDatabase)),
    transactionsByDatabase,
    backends: await backendCpu(database),
    ...counters.totals,
    countersBySubgraph: counters.bySubgraph,
  };
}

const sumOf = (values) => values.reduce((sum, value) => sum + value, 0);

/** What happened between two readings; `seconds` long. */
function since(after, before) {
  return {
    seconds: (after.at - before.at) / 1000,
    cpu: after.cpu - before.cpu,
    transactions: after.transactions - before.transactions,
    databaseCpu: cpuSince(after.backends, before.backends),
    calls: after.calls - before.calls,
    roundTrips: after.roundTrips - before.roundTrips,
    statements: after.statements - before.statements,
    byService: byServiceSince(after, before),
  };
}

/**
 * Each service's share of what happened between two readings: its processes'
 * CPU, its database's backends' CPU and transactions (the shared event
 * streams' database as `events`), its requests served, round trips and
 * statements.
 */
function byServiceSince(after, before) {
  const byService = {};
  const of = (service) =>
    (byService[service] ??= {
      cpu: 0,
      databaseCpu: 0,
      transactions: 0,
      calls: 0,
      roundTrips: 0,
      statements: 0,
    });
  for (const [program, seconds] of Object.entries(after.cpuByProgram)) {
    // The embedded server's backends are counted by database below.
    if (program !== 'postgres') of(program).cpu += seconds - (before.cpuByProgram[program] ?? 0);
  }
  for (const [pid, backend] of after.backends) {
    of(backend.service).databaseCpu += backend.seconds - (before.backends.get(pid)?.seconds ?? 0);
  }
  for (const [service, count] of Object.entries(after.transactionsByDatabase)) {
    of(service).transactions += count - (before.transactionsByDatabase[service] ?? 0);
  }
  for (const [service, counters] of Object.entries(after.countersBySubgraph)) {
    for (const key of ['calls', 'roundTrips', 'statements']) {
      of(service)[key] += counters[key] - before.countersBySubgraph[service][key];
    }
  }
  return byService;
}

/**
 * Per checkout, each service's figures beyond its idle use over as long, as
 * one line each: `cpu` and `db cpu` in ms, then calls served, round trips,
 * statements and transactions.
 */
function perServiceFigures(measured, idle, seconds, sent) {
  const lines = {};
  for (const [service, figures] of Object.entries(measured)) {
    const net = (key) =>
      (figures[key] - ((idle.byService[service]?.[key] ?? 0) * seconds) / idle.seconds) / sent;
    const ms = (key) => (net(key) * 1000).toFixed(1);
    const count = (key) => net(key).toFixed(1);
    lines[service] =
      `cpu ${ms('cpu')} ms, db cpu ${ms('databaseCpu')} ms, ${count('calls')} calls, ` +
      `${count('roundTrips')} round trips, ${count('statements')} statements, ` +
      `${count('transactions')} transactions`;
  }
  return lines;
}

/** The service a database of the stack belongs to (`shop_<name>`, `shop_bench_<name>_<run>`). */
function serviceOfDatabase(datname) {
  return SUBGRAPHS.find((name) => datname.includes(`_${name}`)) ?? 'events';
}

/**
 * The subgraphs’ own counters, summed over all seven from their /metrics: GraphQL requests served,
 * and the database round trips and statements their processes sent (@shop/database counts them).
 */
async function subgraphCounters(ports) {
  const totals = { calls: 0, roundTrips: 0, statements: 0 };
  const bySubgraph = {};
  const series = {
    calls: 'graphql_request_duration_seconds_count',
    roundTrips: 'db_round_trips_total',
    statements: 'db_statements_total',
  };
  for (const name of SUBGRAPHS) {
    const text = await (await fetch(`http://127.0.0.1:${ports[name]}/metrics`)).text();
    const own = (bySubgraph[name] = { calls: 0, roundTrips: 0, statements: 0 });
    for (const line of text.split('\n')) {
      for (const [key, metric] of Object.entries(series)) {
        if (line.startsWith(`${metric}{`) || line.startsWith(`${metric} `)) {
          const value = Number(line.slice(line.lastIndexOf(' ') + 1));
          totals[key] += value;
          own[key] += value;
        }
      }
    }
  }
  return { totals, bySubgraph };
}

/**
 * CPU seconds so far of each PostgreSQL backend connected to the stack's databases, and the
 * service whose database it serves, by pid (from /proc: the same machine). The pools keep their
 * connections through a run; a backend that ended within it is missed.
 */
async function backendCpu({ serverUrl, names }) {
  const client = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT pid, datname FROM pg_stat_activity
        WHERE ($1::text[] IS NULL AND datname LIKE 'shop\\_%') OR datname = ANY($1::text[])`,
      [names ?? null],
    );
    const seconds = new Map();
    for (const { pid, datname } of rows) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        seconds.set(pid, {
          seconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND,
          service: serviceOfDatabase(datname),
        });
      } catch {
        // the backend ended between the listing and the read
      }
    }
    return seconds;
  } finally {
    await client.end();
  }
}

/** CPU seconds the backends alive now used since `before` (all of it, for those started since). */
function cpuSince(now, before) {
  let total = 0;
  for (const [pid, { seconds }] of now) total += seconds - (before.get(pid)?.seconds ?? 0);
  return total;
}

/** Transactions committed or rolled back so far in the stack's databases, by service (pg_stat_database). */
async function transactionsOf({ serverUrl, names }) {
  const client = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT datname, (xact_commit + xact_rollback)::bigint AS count FROM pg_stat_database
        WHERE ($1::text[] IS NULL AND datname LIKE 'shop\\_%') OR datname = ANY($1::text[])`,
      [names ?? null],
    );
    const byService = {};
    for (const { datname, count } of rows) {
      const service = serviceOfDatabase(datname);
      byService[service] = (byService[service] ?? 0) + Number(count);
    }
    return byService;
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
