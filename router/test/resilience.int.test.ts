import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, createLogger } from '@shop/platform';
import {
  graphqlRequest,
  metricsOf,
  sampleOf,
  startInterceptingProxy,
  testLogFile,
  type GraphQLResponse,
  type InterceptingProxy,
} from '@shop/testing';
import { loadRouterConfig, type RunningRouter } from '@shop/router';
import {
  startFederatedFixture,
  startFixtureRouter,
  type FederatedFixture,
} from './support/federated-fixture';

const BREAKER_COOLDOWN_MS = 400;
/** Nothing listens on port 1: aimed there, the gate answers every call with a 502. */
const DEAD_UPSTREAM = 'http://127.0.0.1:1/graphql';

/** Accounts answers `users`, products answers `topProducts`: one query, two subgraphs. */
const USERS_AND_PRODUCTS = '{ users { id } topProducts { name } }';
const ADD_USER = 'mutation { addUser(name: "Eve") { id } }';

/** The error of a response that names `serviceName`, if any. */
function errorOf(response: GraphQLResponse, serviceName: string) {
  return response.errors?.find((error) => error.extensions?.serviceName === serviceName);
}

describe('resilience of the router’s subgraph calls', () => {
  let fixture: FederatedFixture;
  /** Between the router and accounts: counts the calls that reach accounts, can cut it off. */
  let gate: InterceptingProxy;
  let callsThroughGate: number;
  let router: RunningRouter | undefined;
  let logFile: string;
  const startRouterWith = async (env: Record<string, string>) => {
    logFile = testLogFile('resilience-router');
    router = await startFixtureRouter(
      fixture,
      {
        SUBGRAPH_DEDUPLICATION: 'false',
        SUBGRAPH_URL_ACCOUNTS: gate.url,
        SUBGRAPH_RETRY_BACKOFF_MS: '10',
        ...env,
      },
      createLogger('router', 'info', logFile),
    );
    return router;
  };

  /** The router's log lines about circuit breakers, in order. */
  const breakerLog = () =>
    readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('circuit breaker'))
      .map((line) => JSON.parse(line) as { subgraph: string; from: string; to: string });

  beforeAll(async () => {
    fixture = await startFederatedFixture();
  });

  beforeEach(async () => {
    gate = await startInterceptingProxy(fixture.subgraphs.accounts!.url);
    callsThroughGate = 0;
    gate.intercept(() => {
      callsThroughGate += 1;
      return 'forward';
    });
  });

  afterEach(async () => {
    await router?.stop();
    router = undefined;
    await gate.close();
  });

  afterAll(() => fixture.stop());

  it('retries a query after a 502, up to SUBGRAPH_RETRIES, and gives partial data', async () => {
    const { url } = await startRouterWith({ SUBGRAPH_RETRIES: '2' });
    gate.retarget(DEAD_UPSTREAM);

    const response = await graphqlRequest(url, USERS_AND_PRODUCTS);

    expect(callsThroughGate).toBe(3);
    expect(response.data).toEqual({
      users: null,
      topProducts: [{ name: 'Table' }, { name: 'Couch' }],
    });
    // An HTTP status error keeps the gateway's shape (message and response, no serviceName).
    expect(response.errors?.map((error) => error.message)).toEqual(['502: Bad Gateway']);
  });

  it('never sends a mutation twice', async () => {
    const { url } = await startRouterWith({ SUBGRAPH_RETRIES: '2' });
    gate.retarget(DEAD_UPSTREAM);

    const response = await graphqlRequest(url, ADD_USER);

    expect(callsThroughGate).toBe(1);
    expect(response.errors?.[0]?.message).toBe('502: Bad Gateway');
  });

  it('succeeds on the retry when the first attempt fails', async () => {
    const { url } = await startRouterWith({ SUBGRAPH_RETRIES: '1' });
    gate.intercept(() => {
      callsThroughGate += 1;
      // The first call finds accounts unreachable; the gate is fixed before the retry.
      if (callsThroughGate === 1) {
        gate.retarget(DEAD_UPSTREAM);
        return 'forward';
      }
      gate.retarget(fixture.subgraphs.accounts!.url);
      return 'forward';
    });

    const response = await graphqlRequest(url, USERS_AND_PRODUCTS);

    expect(response.errors).toBeUndefined();
    expect(callsThroughGate).toBe(2);
  });

  it('fails a call that outlives SUBGRAPH_TIMEOUT_MS_<NAME> with an error naming the subgraph', async () => {
    const { url } = await startRouterWith({
      SUBGRAPH_TIMEOUT_MS_ACCOUNTS: '300',
      SUBGRAPH_RETRIES: '1',
    });
    gate.intercept(() => {
      callsThroughGate += 1;
      return 'hold-request';
    });

    const response = await graphqlRequest(url, USERS_AND_PRODUCTS);

    expect(response.data).toEqual({
      users: null,
      topProducts: [{ name: 'Table' }, { name: 'Couch' }],
    });
    expect(errorOf(response, 'accounts')).toMatchObject({
      message: 'Subgraph "accounts" did not answer within 300 ms',
      extensions: { code: 'SUBGRAPH_TIMEOUT', serviceName: 'accounts' },
    });
    // The timeout bounds the call with its retries: nothing was left for another attempt.
    expect(callsThroughGate).toBe(1);
  });

  it('names an unreachable subgraph in the error', async () => {
    const { url } = await startRouterWith({});

    const response = await graphqlRequest(url, '{ legacyStatus topProducts { name } }');

    expect(response.data).toEqual({
      legacyStatus: null,
      topProducts: [{ name: 'Table' }, { name: 'Couch' }],
    });
    expect(errorOf(response, 'legacy')).toMatchObject({
      message: 'fetch failed',
      extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'legacy' },
    });
  });

  it('opens the breaker after N failures, calls nobody while open, and closes after a good trial', async () => {
    const { url } = await startRouterWith({
      SUBGRAPH_RETRIES: '0',
      SUBGRAPH_BREAKER_FAILURES: '3',
      SUBGRAPH_BREAKER_COOLDOWN_MS: String(BREAKER_COOLDOWN_MS),
    });
    gate.retarget(DEAD_UPSTREAM);

    for (let failure = 0; failure < 3; failure++) {
      const response = await graphqlRequest(url, USERS_AND_PRODUCTS);
      expect(response.errors?.[0]?.message).toBe('502: Bad Gateway');
    }
    expect(callsThroughGate).toBe(3);

    // Open: the calls fail at once, with the rest of the plan served.
    gate.retarget(fixture.subgraphs.accounts!.url);
    for (let refused = 0; refused < 3; refused++) {
      const response = await graphqlRequest(url, USERS_AND_PRODUCTS);
      expect(response.data?.topProducts).toEqual([{ name: 'Table' }, { name: 'Couch' }]);
      expect(errorOf(response, 'accounts')).toMatchObject({
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'accounts' },
      });
    }
    expect(callsThroughGate).toBe(3);
    // Read after the refusals, which must come within the cool-down: the
    // breaker stays open until a call comes after it, however long a scrape takes.
    const breakerState = async (subgraph: string) =>
      sampleOf(await metricsOf(url), 'router_subgraph_breaker_state', { subgraph });
    expect(await breakerState('accounts')).toBe(2);
    expect(await breakerState('products')).toBe(0);

    // After the cool-down one trial goes through; its success closes the breaker.
    await sleep(BREAKER_COOLDOWN_MS + 100);
    const trial = await graphqlRequest(url, USERS_AND_PRODUCTS);
    expect(trial.errors).toBeUndefined();
    expect(callsThroughGate).toBe(4);
    const after = await graphqlRequest(url, USERS_AND_PRODUCTS);
    expect(after.errors).toBeUndefined();
    expect(callsThroughGate).toBe(5);
    expect(await breakerState('accounts')).toBe(0);

    expect(breakerLog().map(({ subgraph, from, to }) => [subgraph, from, to])).toEqual([
      ['accounts', 'closed', 'open'],
      ['accounts', 'open', 'half-open'],
      ['accounts', 'half-open', 'closed'],
    ]);
  });

  it('opens the breaker again when the half-open trial fails', async () => {
    const { url } = await startRouterWith({
      SUBGRAPH_RETRIES: '0',
      SUBGRAPH_BREAKER_FAILURES: '1',
      SUBGRAPH_BREAKER_COOLDOWN_MS: String(BREAKER_COOLDOWN_MS),
    });
    gate.retarget(DEAD_UPSTREAM);

    await graphqlRequest(url, USERS_AND_PRODUCTS);
    await sleep(BREAKER_COOLDOWN_MS + 100);
    const trial = await graphqlRequest(url, USERS_AND_PRODUCTS);
    const refused = await graphqlRequest(url, USERS_AND_PRODUCTS);

    expect(trial.errors?.[0]?.message).toBe('502: Bad Gateway');
    expect(errorOf(refused, 'accounts')?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    expect(callsThroughGate).toBe(2);
    expect(breakerLog().map(({ to }) => to)).toEqual(['open', 'half-open', 'open']);
  });

  it('reads SUBGRAPH_TIMEOUT_MS_<NAME> per subgraph and refuses one that is too short', () => {
    const config = loadRouterConfig({ SUBGRAPH_TIMEOUT_MS_INVENTORY: '1500' });
    expect(config.subgraphCalls.timeoutOverridesMs).toEqual({ INVENTORY: 1500 });
    expect(() => loadRouterConfig({ SUBGRAPH_TIMEOUT_MS_INVENTORY: '5' })).toThrow(ConfigError);
    expect(() => loadRouterConfig({ SUBGRAPH_TIMEOUT_MS_INVENTORY: '5' })).toThrow(
      /SUBGRAPH_TIMEOUT_MS_INVENTORY/,
    );
  });
});
