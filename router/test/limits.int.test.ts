import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import { developmentIdentitySecret, developmentKeyPair } from '@shop/identity';
import { createLogger } from '@shop/platform';
import { errorCodes, graphqlRequest, wsClient } from '@shop/testing';
import { loadRouterConfig, startRouter, subgraphsOf, type RunningRouter } from '@shop/router';
import { createOperationLimits } from '../src/limits/operation-limits';

const root = path.resolve(__dirname, '../..');
const supergraphSdl = readFileSync(path.join(root, 'supergraph.graphql'), 'utf8');
const log = createLogger('router', 'silent');

/** Every subgraph at a port where nothing listens: a query that got past the limits would fail there. */
function unreachableSubgraphs(): Record<string, string> {
  return Object.fromEntries(
    subgraphsOf(supergraphSdl).map((subgraph) => [
      `SUBGRAPH_URL_${subgraph.name.toUpperCase()}`,
      'http://127.0.0.1:9/graphql',
    ]),
  );
}

async function routerWith(env: Record<string, string>): Promise<RunningRouter> {
  const config = loadRouterConfig({ PORT: '0', ...unreachableSubgraphs(), ...env });
  return startRouter(config, supergraphSdl, log);
}

function nested(depth: number): string {
  let selection = 'id';
  for (let level = 1; level < depth; level += 1) selection = `children { ${selection} }`;
  return `{ categories { ${selection} } }`;
}

describe('operation limits at the router', () => {
  let router: RunningRouter;
  beforeAll(async () => {
    router = await routerWith({
      MAX_DEPTH: '6',
      MAX_ALIASES: '5',
      MAX_ROOT_FIELDS: '4',
      MAX_TOKENS: '400',
      MAX_COST: '1000',
    });
  });
  afterAll(() => router.stop());

  it.each([
    ['depth', nested(7), 'MAX_DEPTH_EXCEEDED'],
    [
      'depth through fragments',
      `{ categories { ...A } } fragment A on Category { children { ...B } }
       fragment B on Category { children { children { children { children { id } } } } }`,
      'MAX_DEPTH_EXCEEDED',
    ],
    [
      'aliases',
      `{ ${[1, 2, 3, 4, 5, 6].map((n) => `a${n}: __typename`).join(' ')} }`,
      'MAX_ALIASES_EXCEEDED',
    ],
    [
      'aliases multiplied by fragment spreads',
      `{ categories { ...F ...F ...F } } fragment F on Category { a: id b: id }`,
      'MAX_ALIASES_EXCEEDED',
    ],
    [
      'root fields',
      '{ categories { id } warehouses { id } w2: warehouses { id } c: categories { id } x: __typename }',
      'MAX_ROOT_FIELDS_EXCEEDED',
    ],
    ['tokens', `{ ${'__typename '.repeat(500)}}`, 'MAX_TOKENS_EXCEEDED'],
    [
      'cost from a slicing argument',
      '{ products(first: 5000) { edges { node { id } } } }',
      'COST_LIMIT_EXCEEDED',
    ],
    [
      'cost of nested assumed sizes',
      '{ categories { children { children { id } } } }',
      'COST_LIMIT_EXCEEDED',
    ],
  ])(
    'refuses an operation over the %s limit with HTTP 400 and its code',
    async (_what, query, code) => {
      const result = await graphqlRequest(router.url, query);
      expect(result.status).toBe(400);
      expect(errorCodes(result)).toEqual([code]);
      expect(result.data).toBeUndefined();
    },
  );

  it('reads the slicing argument from the variables', async () => {
    const query = 'query ($first: Int!) { products(first: $first) { edges { node { id } } } }';
    const over = await graphqlRequest(router.url, query, { first: 1_000 });
    expect(errorCodes(over)).toEqual(['COST_LIMIT_EXCEEDED']);
    expect(over.errors?.[0]?.extensions).toMatchObject({ limit: 1000 });
    // Within the limit the operation is planned and sent, and fails only at the unreachable subgraph.
    const within = await graphqlRequest(router.url, query, { first: 10 });
    expect(errorCodes(within)).not.toContain('COST_LIMIT_EXCEEDED');
    expect(within.status).toBe(200);
  });

  it('costs a slicing variable that was not sent at its default, as it executes', async () => {
    const query =
      'query ($first: Int! = 5000) { products(first: $first) { edges { node { id } } } }';
    const defaulted = await graphqlRequest(router.url, query);
    expect(errorCodes(defaulted)).toEqual(['COST_LIMIT_EXCEEDED']);
    expect(defaulted.status).toBe(400);
    // A value that is sent wins over the default.
    const sent = await graphqlRequest(router.url, query, { first: 10 });
    expect(errorCodes(sent)).not.toContain('COST_LIMIT_EXCEEDED');
  });

  /** Only the cost limit, checked straight against the client schema (no router). */
  const costLimitOnly = (maxCost: number, defaultListSize = 10) => ({
    limits: createOperationLimits(
      {
        maxDepth: 0,
        maxAliases: 0,
        maxRootFields: 0,
        maxSelections: 0,
        maxTokens: 0,
        maxCost,
        defaultListSize,
      },
      supergraphSdl,
    ),
    schema: buildSchema(readFileSync(path.join(root, 'clients/schema.graphql'), 'utf8')),
  });

  it('measures a fragment spread exponentially often without walking each copy', async () => {
    const fragments = Array.from(
      { length: 40 },
      (_, n) => `fragment F${n} on Category { ...F${n + 1} ...F${n + 1} }`,
    ).join('\n');
    const query = `{ categories { ...F0 } } ${fragments} fragment F40 on Category { id }`;
    const { limits, schema } = costLimitOnly(1);
    const error = limits.check(schema, parse(query), undefined, {});
    expect(error?.code).toBe('COST_LIMIT_EXCEEDED');
  });

  it('keeps the measures of a document only while no variable sizes its lists', () => {
    const { limits, schema } = costLimitOnly(1_000);
    const sizedByVariable = parse(
      'query ($first: Int!) { products(first: $first) { edges { node { id } } } }',
    );
    // Within first, then over: a kept measure of the first would let the second through.
    expect(limits.check(schema, sizedByVariable, undefined, { first: 10 })).toBeUndefined();
    expect(limits.check(schema, sizedByVariable, undefined, { first: 10_000 })?.code).toBe(
      'COST_LIMIT_EXCEEDED',
    );
    const sizedInline = parse('{ products(first: 10000) { edges { node { id } } } }');
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(limits.check(schema, sizedInline, undefined, {})?.code).toBe('COST_LIMIT_EXCEEDED');
    }
  });

  it('keeps no measure of a document whose list size comes from a variable default', () => {
    const { limits, schema } = costLimitOnly(1_000);
    const document = parse(
      'query ($first: Int! = 10000) { products(first: $first) { edges { node { id } } } }',
    );
    // Sent and within, defaulted and over, sent again: each is measured with its own value.
    expect(limits.check(schema, document, undefined, { first: 10 })).toBeUndefined();
    expect(limits.check(schema, document, undefined, {})?.code).toBe('COST_LIMIT_EXCEEDED');
    expect(limits.check(schema, document, undefined, { first: 10 })).toBeUndefined();
  });

  it("costs a variable neither sent nor defaulted at the argument's default", () => {
    // An assumed list size far above reviews' `first: Int! = 10`, so the two cannot be confused.
    const { limits, schema } = costLimitOnly(100, 1_000);
    const document = parse(
      'query ($first: Int) { products(first: 1) { edges { node { reviews(first: $first) { edges { node { id } } } } } } }',
    );
    expect(limits.check(schema, document, undefined, {})).toBeUndefined();
    expect(limits.check(schema, document, undefined, { first: 1_000 })?.code).toBe(
      'COST_LIMIT_EXCEEDED',
    );
  });

  it('answers a request for a batch of operations with a clear error', async () => {
    const response = await fetch(router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('BATCHING_NOT_SUPPORTED');
  });
});

describe('the contract operations under the default limits', () => {
  const config = loadRouterConfig({ PORT: '0' });
  const limits = createOperationLimits(config.limits, supergraphSdl);
  const schema = buildSchema(readFileSync(path.join(root, 'clients/schema.graphql'), 'utf8'));
  const contract = parse(
    readFileSync(path.join(root, 'clients/contract/operations.graphql'), 'utf8'),
  );
  const operations = contract.definitions.filter(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION && schema !== undefined,
  );

  it.each(operations.map((operation) => [operation.name?.value ?? '', operation] as const))(
    '%s stays within them at its largest page (first: 100)',
    (_name, operation) => {
      const document = { kind: Kind.DOCUMENT, definitions: [operation] } as const;
      const variables = { first: 100, limit: 100 };
      expect(limits.check(schema, document, undefined, variables)?.message).toBeUndefined();
    },
  );
});

describe('persisted operations', () => {
  const manifestPath = path.join(root, 'clients/persisted-operations.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, string>;
  const categories = Object.values(manifest).find((query) => query.startsWith('query Categories'))!;
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const byHash = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

  async function post(url: string, body: unknown) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as { errors?: { extensions?: { code?: string } }[] },
    };
  }

  describe('automatic (APQ) on a router without a safelist', () => {
    let router: RunningRouter;
    beforeAll(async () => {
      router = await routerWith({});
    });
    afterAll(() => router.stop());

    it('asks for an unknown hash, registers the query, then runs it by its hash alone', async () => {
      const query = '{ __typename }';
      const unknown = await post(router.url, { extensions: byHash(sha256(query)) });
      expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      const registered = await post(router.url, { query, extensions: byHash(sha256(query)) });
      expect(registered.body).toEqual({ data: { __typename: 'Query' } });
      const byHashOnly = await post(router.url, { extensions: byHash(sha256(query)) });
      expect(byHashOnly.body).toEqual({ data: { __typename: 'Query' } });
    });

    it('refuses a hash that does not match the query', async () => {
      const mismatched = await post(router.url, {
        query: '{ __typename }',
        extensions: byHash('0'.repeat(64)),
      });
      expect(mismatched.status).toBe(400);
    });
  });

  describe('safelist mode', () => {
    let router: RunningRouter;
    beforeAll(async () => {
      router = await routerWith({ SAFELIST_PATH: manifestPath });
    });
    afterAll(() => router.stop());

    it('lists every served contract operation under the SHA-256 of its printed text', () => {
      expect(Object.keys(manifest).length).toBeGreaterThanOrEqual(20);
      for (const [hash, query] of Object.entries(manifest)) {
        expect(sha256(query)).toBe(hash);
        expect(print(parse(query))).toBe(query);
      }
    });

    it('runs a registered operation sent by its hash alone, and sent in full', async () => {
      const hash = sha256(categories);
      for (const body of [{ extensions: byHash(hash) }, { query: categories }]) {
        const result = await post(router.url, body);
        // Admitted and planned: it fails only at the unreachable products subgraph.
        expect(result.body.errors?.[0]?.extensions?.code).not.toBe(
          'PERSISTED_QUERY_NOT_IN_SAFELIST',
        );
      }
    });

    it('refuses any other operation, also when it registers itself by APQ', async () => {
      const query = '{ categories { id name } }';
      for (const body of [{ query }, { query, extensions: byHash(sha256(query)) }]) {
        const result = await post(router.url, body);
        expect(result.status).toBe(400);
        expect(result.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
      }
      const later = await post(router.url, { extensions: byHash(sha256(query)) });
      expect(later.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    });

    it('holds over graphql-ws too: an unregistered subscription is refused, a registered one admitted', async () => {
      const registered = Object.values(manifest).find((query) =>
        query.startsWith('subscription PriceChanged'),
      );
      expect(registered).toBeDefined();
      const client = wsClient(router.url);
      try {
        const unlisted = client.subscribe('subscription { priceChanged(productId: "1") { id } }');
        expect(await unlisted.ended).toMatchObject({
          kind: 'error',
          errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_IN_SAFELIST' } }],
        });
        // Admitted and planned: it ends only at the unreachable products subgraph.
        const listed = client.subscribe(registered!, { productId: '1' });
        const answer = JSON.stringify({ end: await listed.ended, results: listed.results });
        expect(answer).toContain('SUBGRAPH_UNAVAILABLE');
        expect(answer).not.toContain('PERSISTED_QUERY_NOT_IN_SAFELIST');
      } finally {
        await client.close();
      }
    });
  });
});

describe('transport in production', () => {
  let router: RunningRouter;
  beforeAll(async () => {
    router = await routerWith({
      NODE_ENV: 'production',
      IDENTITY_SECRET: developmentIdentitySecret(),
      JWT_PUBLIC_KEY: developmentKeyPair().publicKeyPem,
    });
  });
  afterAll(() => router.stop());

  it('masks an unexpected error: no stack, no address of a subgraph', async () => {
    const result = await graphqlRequest(router.url, '{ categories { id } }');
    const text = JSON.stringify(result.body);
    expect(result.errors?.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|stacktrace|\bat [\w.]+ \(/);
  });

  it('answers application/graphql-response+json when the client accepts it', async () => {
    const result = await graphqlRequest(router.url, '{ __typename }');
    expect(result.contentType).toMatch(/^application\/graphql-response\+json/);
    expect(result.data).toEqual({ __typename: 'Query' });
  });
});
