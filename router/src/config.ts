import path from 'node:path';
import { z } from 'zod';
import { accessTokenVerifyingSettings, identitySettings } from '@shop/identity';
import {
  booleanFlag,
  commaList,
  ConfigError,
  loadConfig,
  logLevel,
  nodeEnv,
  observabilitySettingsOf,
  observabilityVariables,
  optionalBooleanFlag,
  port,
  postgresUrl,
  runsInProduction,
} from '@shop/platform';
import { routerWorkers, workersConflict } from './cluster/workers-setting';

/** Apollo Studio's Explorer runs in this origin and calls a local router from the browser. */
export const APOLLO_STUDIO_ORIGIN = 'https://studio.apollographql.com';

const SUBGRAPH_URL_PREFIX = 'SUBGRAPH_URL_';
const SUBGRAPH_TIMEOUT_PREFIX = 'SUBGRAPH_TIMEOUT_MS_';
const subgraphTimeoutMs = z.coerce.number().int().min(100);

/**
 * The router's settings. SUPERGRAPH_PATH names any composed Federation 2
 * supergraph; SUBGRAPH_URL_<NAME> overrides the routing URL of subgraph
 * <name> (upper-cased, non-alphanumerics as _), e.g. SUBGRAPH_URL_PRODUCTS;
 * SUBGRAPH_TIMEOUT_MS_<NAME> overrides SUBGRAPH_TIMEOUT_MS for one subgraph.
 */
export function loadRouterConfig(env: Record<string, string | undefined> = process.env) {
  const production = runsInProduction(env);
  const config = loadConfig(
    {
      NODE_ENV: nodeEnv,
      LOG_LEVEL: logLevel,
      HOST: z.string().default('127.0.0.1'),
      PORT: port(4000),
      ROUTER_WORKERS: routerWorkers,
      SUPERGRAPH_PATH: z.string().default('supergraph.graphql'),
      // Fetched at start and polled instead of reading SUPERGRAPH_PATH (a schema registry, a bucket).
      SUPERGRAPH_URL: z.string().url().optional(),
      // A new supergraph is validated and swapped in while serving; a bad one is refused.
      SUPERGRAPH_RELOAD: booleanFlag(true),
      // The URL's poll, and the file's check besides fs.watch (which misses some file systems).
      SUPERGRAPH_POLL_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
      CORS_ORIGINS: commaList,
      INTROSPECTION: optionalBooleanFlag,
      MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_000_000),
      SUBGRAPH_TIMEOUT_MS: subgraphTimeoutMs.default(10_000),
      // Further tries of a query's subgraph call after a connection error or a 502/503/504.
      SUBGRAPH_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
      SUBGRAPH_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).default(50),
      // Consecutive failures that open a subgraph's circuit breaker (0: never), and its cool-down.
      SUBGRAPH_BREAKER_FAILURES: z.coerce.number().int().min(0).default(5),
      SUBGRAPH_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).default(2_000),
      // Identical query calls to a subgraph in flight at once share one HTTP call.
      SUBGRAPH_DEDUPLICATION: booleanFlag(true),
      HEALTH_TIMEOUT_MS: z.coerce.number().int().min(100).default(2_000),
      SUBSCRIPTION_KEEPALIVE_MS: z.coerce.number().int().min(100).default(12_000),
      SUBSCRIPTION_MAX_QUEUED_EVENTS: z.coerce.number().int().min(1).default(100),
      MULTIPART_HEARTBEAT_MS: z.coerce.number().int().min(100).default(5_000),
      // Long-lived connections (graphql-ws sockets and multipart subscriptions)
      // per client address and per signed-in user, operations at once per
      // graphql-ws socket (0: no limit), and the wait for connection_init.
      SUBSCRIPTION_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(0).default(256),
      SUBSCRIPTION_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(0).default(16),
      SUBSCRIPTION_MAX_PER_CONNECTION: z.coerce.number().int().min(0).default(50),
      SUBSCRIPTION_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
      // Caching of public subgraph answers, plans and persisted queries (Redis with REDIS_URL).
      ENTITY_CACHE: booleanFlag(true),
      ENTITY_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).default(10_000),
      ENTITY_CACHE_MAX_BYTES: z.coerce.number().int().min(1024).default(67_108_864), // 64 MiB
      CACHE_KEY_PREFIX: z.string().optional(),
      EVENT_STREAM_PREFIX: z.string().default(''),
      // Operation limits (0 turns one off) and the rate limit, on by default.
      MAX_DEPTH: z.coerce.number().int().min(0).default(15),
      MAX_ALIASES: z.coerce.number().int().min(0).default(30),
      MAX_ROOT_FIELDS: z.coerce.number().int().min(0).default(20),
      MAX_SELECTIONS: z.coerce.number().int().min(0).default(1_000),
      MAX_TOKENS: z.coerce.number().int().min(0).default(5_000),
      MAX_COST: z.coerce.number().int().min(0).default(10_000),
      DEFAULT_LIST_SIZE: z.coerce.number().int().min(1).default(10),
      RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).default(50),
      RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(100),
      // Default: EVENT_STREAM_PREFIX + "rate-limit:", so a namespaced deployment (or test) counts alone.
      RATE_LIMIT_KEY_PREFIX: z.string().optional(),
      // Failed sign-ins per client address on the Mutation fields LOGIN_MUTATIONS
      // names (empty: none): free ones, then a wait doubling from 1 s up to the
      // cap, counted in a window that opens at the first failure. Wider than the
      // users subgraph's per-account ones: an office or a carrier shares one address.
      LOGIN_MUTATIONS: z.preprocess((value) => value ?? 'login', commaList),
      LOGIN_ADDRESS_FREE_FAILURES: z.coerce.number().int().min(1).default(30),
      LOGIN_ADDRESS_MAX_DELAY_SECONDS: z.coerce.number().int().min(1).default(300),
      LOGIN_ADDRESS_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(60).default(3_600),
      REDIS_URL: z.string().url().optional(),
      // Without Redis, where subgraphs announce entity changes (LISTEN/NOTIFY).
      EVENTS_DATABASE_URL: postgresUrl.optional(),
      SAFELIST_PATH: z.string().optional(),
      // The built storefront served at / (empty: none), and GraphiQL at /graphiql.
      STOREFRONT_DIR: z.string().default(path.resolve(__dirname, '../../clients/storefront/dist')),
      GRAPHIQL: optionalBooleanFlag,
      // METRICS_ENABLED (/metrics), OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT (traces over OTLP/HTTP).
      ...observabilityVariables,
      ...identitySettings(production),
      ...accessTokenVerifyingSettings(production),
    },
    env,
  );
  const subgraphUrls: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(SUBGRAPH_URL_PREFIX) && value) {
      subgraphUrls[key.slice(SUBGRAPH_URL_PREFIX.length)] = z.string().url().parse(value);
    }
  }
  const subgraphTimeoutOverridesMs: Record<string, number> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(SUBGRAPH_TIMEOUT_PREFIX) && value) {
      const parsed = subgraphTimeoutMs.safeParse(value);
      if (!parsed.success) throw new ConfigError([`${key}: ${parsed.error.issues[0]?.message}`]);
      subgraphTimeoutOverridesMs[key.slice(SUBGRAPH_TIMEOUT_PREFIX.length)] = parsed.data;
    }
  }
  if (config.LOGIN_ADDRESS_FAILURE_WINDOW_SECONDS < config.LOGIN_ADDRESS_MAX_DELAY_SECONDS) {
    // The window would end, and its count be forgotten, before the longest wait did.
    throw new ConfigError([
      'LOGIN_ADDRESS_FAILURE_WINDOW_SECONDS: must be at least LOGIN_ADDRESS_MAX_DELAY_SECONDS',
    ]);
  }
  const workersProblem = workersConflict(config.ROUTER_WORKERS, {
    redisUrl: config.REDIS_URL,
    ratePerSecond: config.RATE_LIMIT_PER_SECOND,
    loginMutations: config.LOGIN_MUTATIONS,
  });
  if (workersProblem) throw new ConfigError([workersProblem]);
  if (config.SUPERGRAPH_URL && env.SUPERGRAPH_PATH) {
    throw new ConfigError(['SUPERGRAPH_URL: set it or SUPERGRAPH_PATH, not both']);
  }
  const rateLimitKeyPrefix =
    config.RATE_LIMIT_KEY_PREFIX ?? `${config.EVENT_STREAM_PREFIX}rate-limit:`;
  return {
    production,
    logLevel: config.LOG_LEVEL,
    host: config.HOST,
    port: config.PORT,
    /** Processes sharing the port (node:cluster), each a whole router: caches and de-duplication are each one's. */
    workers: config.ROUTER_WORKERS,
    supergraph: {
      path: config.SUPERGRAPH_PATH,
      url: config.SUPERGRAPH_URL,
      reload: config.SUPERGRAPH_RELOAD,
      pollIntervalMs: config.SUPERGRAPH_POLL_INTERVAL_MS,
    },
    // Introspection and the Sandbox landing page are for development; production opts in.
    introspection: config.INTROSPECTION ?? !production,
    storefront: {
      dir: config.STOREFRONT_DIR || undefined,
      // An explorer, like introspection and the Sandbox landing page: development's unless asked for.
      graphiql: config.GRAPHIQL ?? config.INTROSPECTION ?? !production,
    },
    corsOrigins: production ? config.CORS_ORIGINS : [...config.CORS_ORIGINS, APOLLO_STUDIO_ORIGIN],
    maxBodyBytes: config.MAX_BODY_BYTES,
    subgraphTimeoutMs: config.SUBGRAPH_TIMEOUT_MS,
    subgraphDeduplication: config.SUBGRAPH_DEDUPLICATION,
    healthTimeoutMs: config.HEALTH_TIMEOUT_MS,
    subgraphUrls,
    resilience: {
      timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
      timeoutOverridesMs: subgraphTimeoutOverridesMs,
      retries: config.SUBGRAPH_RETRIES,
      retryBackoffMs: config.SUBGRAPH_RETRY_BACKOFF_MS,
      breakerFailures: config.SUBGRAPH_BREAKER_FAILURES,
      breakerCoolDownMs: config.SUBGRAPH_BREAKER_COOLDOWN_MS,
    },
    limits: {
      maxDepth: config.MAX_DEPTH,
      maxAliases: config.MAX_ALIASES,
      maxRootFields: config.MAX_ROOT_FIELDS,
      maxSelections: config.MAX_SELECTIONS,
      maxTokens: config.MAX_TOKENS,
      maxCost: config.MAX_COST,
      defaultListSize: config.DEFAULT_LIST_SIZE,
      /** Only the operations of this manifest run (scripts/persisted-operations.mjs writes it). */
      safelistPath: config.SAFELIST_PATH,
    },
    rateLimit: {
      perSecond: config.RATE_LIMIT_PER_SECOND,
      burst: config.RATE_LIMIT_BURST,
      keyPrefix: rateLimitKeyPrefix,
      redisUrl: config.REDIS_URL,
    },
    loginThrottle: {
      /** Mutation fields whose UNAUTHENTICATED answer is a failed sign-in. */
      mutations: config.LOGIN_MUTATIONS,
      freeFailures: config.LOGIN_ADDRESS_FREE_FAILURES,
      maxDelaySeconds: config.LOGIN_ADDRESS_MAX_DELAY_SECONDS,
      windowSeconds: config.LOGIN_ADDRESS_FAILURE_WINDOW_SECONDS,
      keyPrefix: `${rateLimitKeyPrefix}login-failures:`,
      redisUrl: config.REDIS_URL,
    },
    caching: {
      /** Shared by every instance when set; in this process otherwise. */
      redisUrl: config.REDIS_URL,
      entityCache: config.ENTITY_CACHE,
      maxEntries: config.ENTITY_CACHE_MAX_ENTRIES,
      maxBytes: config.ENTITY_CACHE_MAX_BYTES,
      // Under the event namespace by default: the invalidations a router hears
      // (on EVENT_STREAM_PREFIX's channels) are for the entries it can see.
      keyPrefix: config.CACHE_KEY_PREFIX ?? `${config.EVENT_STREAM_PREFIX}cache:`,
      /** Where subgraphs announce changes: the live pub/sub, on Redis or PostgreSQL, and its namespace. */
      events: {
        redisUrl: config.REDIS_URL,
        eventsDatabaseUrl: config.EVENTS_DATABASE_URL,
        streamPrefix: config.EVENT_STREAM_PREFIX,
      },
    },
    subscriptions: {
      /** Pings to clients and to subgraphs; a peer that stops answering is dropped. */
      keepAliveMs: config.SUBSCRIPTION_KEEPALIVE_MS,
      /** Events a client may fall behind by before its subscription ends. */
      maxQueuedEvents: config.SUBSCRIPTION_MAX_QUEUED_EVENTS,
      multipartHeartbeatMs: config.MULTIPART_HEARTBEAT_MS,
      /**
       * A browser tab holds one connection, a signed-in shopper a few tabs
       * and devices; an office or a mobile carrier puts many shoppers behind
       * one address, hence the wide per-address default. Behind a proxy that
       * hides client addresses every client shares one: raise it or set 0.
       */
      limits: {
        maxPerAddress: config.SUBSCRIPTION_MAX_CONNECTIONS_PER_ADDRESS,
        maxPerUser: config.SUBSCRIPTION_MAX_CONNECTIONS_PER_USER,
        maxSubscriptionsPerConnection: config.SUBSCRIPTION_MAX_PER_CONNECTION,
        initTimeoutMs: config.SUBSCRIPTION_INIT_TIMEOUT_MS,
      },
    },
    observability: observabilitySettingsOf(config),
    auth: {
      identitySecret: config.IDENTITY_SECRET,
      jwtPublicKey: config.JWT_PUBLIC_KEY,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    },
  };
}

export type RouterConfig = ReturnType<typeof loadRouterConfig>;

/** The env-var key of a subgraph name, for SUBGRAPH_URL_<NAME>. */
export function subgraphEnvKey(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}
