import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Redis from 'ioredis';
import { liveTopics, RedisLivePubSub, type LivePubSub } from '@shop/events';
import { createLogger } from '@shop/platform';
import { Registry } from 'prom-client';
import { eventually, sampleOf, TEST_REDIS_URL, testLivePubSub, testLogFile } from '@shop/testing';
import { loadRouterConfig } from '@shop/router';
import { createRouterCaches, type RouterCaches } from '../src/caching/router-caches';
import { entityCacheMetrics } from '../src/observability/entity-cache-metrics';
import type { CachePolicy, FetchCache, SubgraphFetch } from '../src/execution/caches';

const log = createLogger('caching-test', 'silent');
const PUBLIC_MINUTE: CachePolicy = { maxAgeSeconds: 60, scope: 'PUBLIC' };

const productFetch: SubgraphFetch = {
  subgraph: 'products',
  operation:
    'query($representations:[_Any!]!){_entities(representations:$representations){...on Product{name}}}',
  variables: {},
};
const rootFetch: SubgraphFetch = {
  subgraph: 'products',
  operation: 'query($id:ID!){product(id:$id){__typename id name category{__typename id name}}}',
  variables: { id: 'p1' },
};
const product = (id: string) => ({ __typename: 'Product', id });

/** The router's caching settings as its config reads them from these variables. */
function cachingSettings(env: Record<string, string>) {
  return loadRouterConfig({ NODE_ENV: 'test', ...env }).caching;
}

interface Backend {
  /** Caches as a router builds them, and where subgraphs announce changes to them. */
  start(): Promise<{ caches: RouterCaches; announcer: LivePubSub }>;
  cleanUp(): Promise<void>;
}

/** Caches in this process; changes announced on a pub/sub the router shares, as the embedded stack does. */
function memoryBackend(): Backend {
  let pubSub: LivePubSub | undefined;
  return {
    async start() {
      pubSub = await testLivePubSub();
      const caches = await createRouterCaches(cachingSettings({}), log, pubSub);
      return { caches, announcer: pubSub };
    },
    cleanUp: async () => {
      await pubSub?.close();
    },
  };
}

/** Caches on the machine's Redis under keys and channels of this test's own. */
function redisBackend(run = randomUUID()): Backend & { env: Record<string, string> } {
  const env = {
    REDIS_URL: TEST_REDIS_URL,
    EVENT_STREAM_PREFIX: `test-${run}:`,
    CACHE_KEY_PREFIX: `test-cache-${run}:`,
  };
  const announcers: LivePubSub[] = [];
  return {
    env,
    async start() {
      // The router opens its own pub/sub here, as a standalone router does.
      const caches = await createRouterCaches(cachingSettings(env), log);
      const announcer = new RedisLivePubSub(TEST_REDIS_URL, log, env.EVENT_STREAM_PREFIX);
      announcers.push(announcer);
      return { caches, announcer };
    },
    async cleanUp() {
      await Promise.all(announcers.map((announcer) => announcer.close()));
      const redis = new Redis(TEST_REDIS_URL);
      const keys = await redis.keys(`${env.CACHE_KEY_PREFIX}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}

describe.each([
  ['in memory', memoryBackend],
  ['on Redis', () => redisBackend()],
])('the entity cache %s', (_name, backendOf) => {
  let backend: Backend;
  let caches: RouterCaches;
  let cache: FetchCache;
  let announcer: LivePubSub;

  beforeEach(async () => {
    backend = backendOf();
    ({ caches, announcer } = await backend.start());
    cache = caches.fetchCache!;
  });

  afterEach(async () => {
    await caches.close();
    await backend.cleanUp();
  });

  /** Reads until the cache's writes (which it does not wait for) have landed. */
  const cachedEntities = (representations: Record<string, unknown>[], fetch = productFetch) =>
    eventually(async () => {
      const entities = await cache.getEntities(fetch, representations);
      expect(entities.every(Boolean)).toBe(true);
      return entities;
    });

  it('answers public entities it was given, by representation whatever its key order', async () => {
    cache.setEntities(
      productFetch,
      [product('p1'), product('p2')],
      [
        { __typename: 'Product', name: 'Lamp' },
        { __typename: 'Product', name: 'Desk' },
      ],
      PUBLIC_MINUTE,
    );
    await cachedEntities([product('p1')]);
    expect(
      await cache.getEntities(productFetch, [{ id: 'p2', __typename: 'Product' }, product('p3')]),
    ).toEqual([{ __typename: 'Product', name: 'Desk' }, undefined]);
    // Another operation or other variables are other entries.
    expect(
      await cache.getEntities({ ...productFetch, variables: { first: 5 } }, [product('p1')]),
    ).toEqual([undefined]);
  });

  it('keeps an entry only as long as the policy says', async () => {
    cache.setEntities(productFetch, [product('short')], [{ name: 'short' }], {
      maxAgeSeconds: 1,
      scope: 'PUBLIC',
    });
    cache.setEntities(productFetch, [product('long')], [{ name: 'long' }], PUBLIC_MINUTE);
    await cachedEntities([product('short'), product('long')]);
    await eventually(async () => {
      expect(await cache.getEntities(productFetch, [product('short')])).toEqual([undefined]);
    }, 5_000);
    expect(await cache.getEntities(productFetch, [product('long')])).toEqual([{ name: 'long' }]);
  });

  it('never keeps private answers, answers without a max age, or entities not found', async () => {
    cache.setEntities(productFetch, [product('private')], [{ name: 'mine' }], {
      maxAgeSeconds: 60,
      scope: 'PRIVATE',
    });
    cache.setEntities(productFetch, [product('ageless')], [{ name: 'now' }], {
      maxAgeSeconds: 0,
      scope: 'PUBLIC',
    });
    cache.setEntities(productFetch, [product('gone'), product('here')], [null, { name: 'here' }], {
      ...PUBLIC_MINUTE,
    });
    cache.setRoot(
      { ...rootFetch, variables: { id: 'private' } },
      { me: { id: 'u1' } },
      {
        maxAgeSeconds: 60,
        scope: 'PRIVATE',
      },
    );
    // Writes land in order: once the last public one is there, the others would be too.
    await cachedEntities([product('here')]);
    expect(
      await cache.getEntities(productFetch, [
        product('private'),
        product('ageless'),
        product('gone'),
      ]),
    ).toEqual([undefined, undefined, undefined]);
    expect(await cache.getRoot({ ...rootFetch, variables: { id: 'private' } })).toBeUndefined();
  });

  it('drops the entity and every root answer holding it when its change is announced', async () => {
    const lamp = {
      product: {
        __typename: 'Product',
        id: 'p1',
        name: 'Lamp',
        category: { __typename: 'Category', id: 'c1', name: 'Lights' },
      },
    };
    const desk = { product: { __typename: 'Product', id: 'p2', name: 'Desk', category: null } };
    cache.setRoot(rootFetch, lamp, PUBLIC_MINUTE);
    cache.setRoot({ ...rootFetch, variables: { id: 'p2' } }, desk, PUBLIC_MINUTE);
    cache.setEntities(
      productFetch,
      [product('p1'), product('p2')],
      [{ name: 'Lamp' }, { name: 'Desk' }],
      PUBLIC_MINUTE,
    );
    await cachedEntities([product('p1'), product('p2')]);
    expect(await cache.getRoot(rootFetch)).toEqual(lamp);

    // A change of the category nested in the lamp's page drops that page only.
    await announcer.publish(liveTopics.entityChanged(), { typename: 'Category', id: 'c1' });
    await eventually(async () => expect(await cache.getRoot(rootFetch)).toBeUndefined());
    expect(await cache.getEntities(productFetch, [product('p1')])).toEqual([{ name: 'Lamp' }]);

    await announcer.publish(liveTopics.entityChanged(), { typename: 'Product', id: 'p2' });
    await eventually(async () =>
      expect(await cache.getRoot({ ...rootFetch, variables: { id: 'p2' } })).toBeUndefined(),
    );
    expect(await cache.getEntities(productFetch, [product('p1'), product('p2')])).toEqual([
      { name: 'Lamp' },
      undefined,
    ]);
  });
});

describe('the entity cache on Redis, shared', () => {
  const backend = redisBackend();
  const started: RouterCaches[] = [];

  afterAll(async () => {
    await Promise.all(started.map((caches) => caches.close()));
    await backend.cleanUp();
  });

  it('gives one router instance what another stored, and drops it for both', async () => {
    const [first, second] = await Promise.all([backend.start(), backend.start()]);
    started.push(first.caches, second.caches);
    first.caches.fetchCache!.setEntities(
      productFetch,
      [product('p1')],
      [{ name: 'Lamp' }],
      PUBLIC_MINUTE,
    );
    await eventually(async () =>
      expect(await second.caches.fetchCache!.getEntities(productFetch, [product('p1')])).toEqual([
        { name: 'Lamp' },
      ]),
    );
    await first.announcer.publish(liveTopics.entityChanged(), { typename: 'Product', id: 'p1' });
    await eventually(async () =>
      expect(await second.caches.fetchCache!.getEntities(productFetch, [product('p1')])).toEqual([
        undefined,
      ]),
    );
  });

  it('shares query plans and persisted queries between instances', async () => {
    const [first, second] = await Promise.all([backend.start(), backend.start()]);
    started.push(first.caches, second.caches);
    await first.caches.planStore!.set('schema1:op1:ProductPage', '{"kind":"QueryPlan"}');
    expect(await second.caches.planStore!.get('schema1:op1:ProductPage')).toBe(
      '{"kind":"QueryPlan"}',
    );
    expect(await second.caches.planStore!.get('schema2:op1:ProductPage')).toBeUndefined();

    await first.caches.apolloCache!.set('apq:abc', '{ ping }', { ttl: 60 });
    expect(await second.caches.apolloCache!.get('apq:abc')).toBe('{ ping }');
    await second.caches.apolloCache!.delete('apq:abc');
    expect(await first.caches.apolloCache!.get('apq:abc')).toBeUndefined();
  });
});

describe('the entity cache in memory, bounded', () => {
  it('lets the least recently used entry go beyond ENTITY_CACHE_MAX_ENTRIES, and counts it', async () => {
    const pubSub = await testLivePubSub();
    // The text a scrape of the router's /metrics would show.
    const registry = new Registry();
    const sample = async (name: string, labels?: Record<string, string>) =>
      sampleOf(await registry.metrics(), name, labels);
    const caches = await createRouterCaches(
      cachingSettings({ ENTITY_CACHE_MAX_ENTRIES: '2' }),
      log,
      pubSub,
      entityCacheMetrics(registry),
    );
    const cache = caches.fetchCache!;
    try {
      cache.setEntities(
        productFetch,
        [product('a'), product('b')],
        [{ n: 'a' }, { n: 'b' }],
        PUBLIC_MINUTE,
      );
      expect(await cache.getEntities(productFetch, [product('a')])).toEqual([{ n: 'a' }]);
      cache.setEntities(productFetch, [product('c')], [{ n: 'c' }], PUBLIC_MINUTE);
      expect(
        await cache.getEntities(productFetch, [product('a'), product('b'), product('c')]),
      ).toEqual([{ n: 'a' }, undefined, { n: 'c' }]);
      expect(await sample('router_entity_cache_evictions_total')).toBe(1);
      const lookups = 'router_entity_cache_lookups_total';
      expect(await sample(lookups, { kind: 'entity', result: 'hit' })).toBe(3);
      expect(await sample(lookups, { kind: 'entity', result: 'miss' })).toBe(1);
      expect(await cache.getRoot(rootFetch)).toBeUndefined();
      expect(await sample(lookups, { kind: 'root', result: 'miss' })).toBe(1);
    } finally {
      await caches.close();
      await pubSub.close();
    }
  });

  it('is not there with ENTITY_CACHE=false', async () => {
    const caches = await createRouterCaches(cachingSettings({ ENTITY_CACHE: 'false' }), log);
    expect(caches.fetchCache).toBeUndefined();
    await caches.close();
  });
});

describe('the entity cache with Redis away', () => {
  it('answers "missing" and logs the failure once', async () => {
    const file = testLogFile('caching-redis-away');
    const pubSub = await testLivePubSub();
    const caches = await createRouterCaches(
      // Nothing listens on port 1.
      cachingSettings({ REDIS_URL: 'redis://127.0.0.1:1', ENTITY_CACHE: 'true' }),
      createLogger('caching-test', 'warn', file),
      pubSub,
    );
    const cache = caches.fetchCache!;
    try {
      cache.setRoot(rootFetch, { product: null }, PUBLIC_MINUTE);
      expect(await cache.getRoot(rootFetch)).toBeUndefined();
      expect(await cache.getEntities(productFetch, [product('p1')])).toEqual([undefined]);
      expect(await caches.planStore!.get('plan')).toBeUndefined();
      const failures = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.includes('entity cache failed'));
      expect(failures).toHaveLength(1);
    } finally {
      await caches.close();
      await pubSub.close();
    }
  });
});
