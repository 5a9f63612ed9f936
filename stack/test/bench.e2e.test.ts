import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const repoRoot = path.resolve(__dirname, '../..');
const run = promisify(execFile);

/** Every scenario bench/run.mjs has, so a new one cannot go untested. */
const SCENARIOS = ['login', 'startup', 'checkout', 'subscriptions', 'gateway', 'store'];

type Row = Record<string, unknown> & { scenario: string };

/**
 * Every benchmark scenario, run as `npm run bench` runs it but at a tiny
 * size on one shared stack (--smoke): each must finish with no failed
 * request and report the figures the docs quote. Its speed is not judged.
 */
describe('the benchmarks still run (bench/run.mjs --smoke)', () => {
  it('runs every scenario to the end with no errors, and each reports its figures', async () => {
    const { stdout } = await run(
      process.execPath,
      ['bench/run.mjs', '--smoke', '--only', SCENARIOS.join(',')],
      { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
    );
    // One JSON line per scenario (an array for one with several targets).
    const results = stdout
      .split('\n')
      .filter((line) => /^[[{]"?/.test(line) && line.includes('"scenario"'))
      .map((line) => JSON.parse(line) as Row | Row[]);
    expect(results).toHaveLength(SCENARIOS.length);
    const [login, startup, checkout, subscriptions, gateway, store] = results as [
      Row,
      Row,
      Row,
      Row,
      Row[],
      Row[],
    ];
    const figure = expect.any(Number);

    expect(login).toMatchObject({ scenario: 'login (embedded stack)', errors: 0, rps: figure });
    expect(login.requests).toBeGreaterThan(0);

    expect(startup).toMatchObject({
      startupSeconds: figure,
      warmStartupSeconds: figure,
      peakMemoryMiB: figure,
      productPageErrors: 0,
    });
    expect(startup.productPageRequests).toBeGreaterThan(0);

    expect(checkout).toMatchObject({
      scenario: expect.stringMatching(/^checkout \(embedded stack\)/),
      errors: 0,
      serialErrors: 0,
      stackCpuMsPerCheckout: figure,
      dbTransactionsPerCheckout: figure,
      subgraphCallsPerCheckout: figure,
      dbRoundTripsPerCheckout: figure,
    });
    expect(checkout.sent).toBeGreaterThan(0);

    // Every subscriber got the price change: the limits that would refuse one address's burst are off, and say so.
    expect(subscriptions).toMatchObject({
      delivered: 5,
      p99Ms: figure,
      limits: 'RATE_LIMIT_PER_SECOND=0 SUBSCRIPTION_MAX_CONNECTIONS_PER_ADDRESS=0',
    });
    expect(Number.isFinite(subscriptions.p99Ms)).toBe(true);

    expect(gateway.map((row) => row.scenario)).toEqual([
      'gateway: stock gateway',
      'gateway: router',
      'gateway: router, no dedup',
      `gateway: router, no dedup, ${availableParallelism()} workers`,
    ]);
    for (const row of gateway) expect(row).toMatchObject({ errors: 0, callsPerQuery: figure });
    // The routers' collections, read from their /metrics; the stock gateway has none.
    for (const row of gateway.slice(1)) {
      expect(row).toMatchObject({ majorGcsPer1000: figure, gcPauseMsPerRequest: figure });
    }

    expect(store.map((row) => row.scenario.replace(/^store \(embedded stack\): /, ''))).toEqual([
      'ProductPage',
      'Products',
      'Search',
      'Me',
      'ProductPage (entity cache off)',
      'ProductPage (operation limits off)',
    ]);
    for (const row of store) {
      expect(row).toMatchObject({ errors: 0, cpuMsPerRequest: figure });
      expect(row.rps).toBeGreaterThan(0);
    }
  }, 600_000);
});
