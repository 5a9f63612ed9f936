import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { createAccessTokenIssuer, developmentKeyPair, type Role } from '@shop/identity';
import { createLogger } from '@shop/platform';
import { graphqlRequest } from '@shop/testing';
import { loadRouterConfig, startRouter, type RunningRouter } from '@shop/router';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@authenticated", "@requiresScopes"])
  type Query {
    me: User @authenticated
    publicUsers: [User!]!
    optionalUsers: [User]
    secret: String @requiresScopes(scopes: [["admin"]])
  }
  type Mutation { wipe: Boolean! @requiresScopes(scopes: [["admin"]]) }
  type User @key(fields: "id") {
    id: ID!
    name: String!
    email: String @authenticated
    phone: String! @authenticated
  }
`);

const users = [
  { id: '1', name: 'Ada', email: 'ada@example.com', phone: '+44 1' },
  { id: '2', name: 'Alan', email: 'alan@example.com', phone: '+44 2' },
];
let wipes = 0;

describe('the router enforces @authenticated and @requiresScopes of a supergraph it has never seen', () => {
  let subgraph: ApolloServer;
  let router: RunningRouter;
  const tokens: Partial<Record<Role, string>> = {};

  beforeAll(async () => {
    subgraph = new ApolloServer({
      plugins: [ApolloServerPluginInlineTraceDisabled()],
      schema: buildSubgraphSchema({
        typeDefs,
        resolvers: {
          Query: {
            me: () => users[0],
            publicUsers: () => users,
            optionalUsers: () => users,
            secret: () => 'the secret',
          },
          Mutation: { wipe: () => ++wipes > 0 },
        },
      }),
    });
    const { url } = await startStandaloneServer(subgraph, {
      listen: { port: 0, host: '127.0.0.1' },
    });
    const composed = composeServices([{ name: 'accounts', url, typeDefs }]);
    if (composed.errors) throw composed.errors[0];
    router = await startRouter(
      loadRouterConfig({ PORT: '0', NODE_ENV: 'test' }),
      composed.supergraphSdl,
      createLogger('router', 'silent'),
    );
    const issuer = await createAccessTokenIssuer(developmentKeyPair().privateKeyPem, {
      issuer: 'shop-users',
      audience: 'shop-supergraph',
      ttlSeconds: 900,
    });
    tokens.CUSTOMER = (await issuer.issue({ id: '1', role: 'CUSTOMER' })).token;
    tokens.ADMIN = (await issuer.issue({ id: '9', role: 'ADMIN' })).token;
  });
  afterAll(async () => {
    await router.stop();
    await subgraph.stop();
  });

  const as = (role: Role | null): Record<string, string> =>
    role ? { authorization: `Bearer ${tokens[role]}` } : {};
  const run = (query: string, role: Role | null) =>
    graphqlRequest(router.url, query, undefined, as(role));

  it('nulls a refused root field with UNAUTHENTICATED and serves the rest', async () => {
    const result = await run('{ me { id } publicUsers { name } }', null);
    expect(result.data).toEqual({ me: null, publicUsers: [{ name: 'Ada' }, { name: 'Alan' }] });
    expect(result.errors).toEqual([
      expect.objectContaining({ path: ['me'], extensions: { code: 'UNAUTHENTICATED' } }),
    ]);
  });

  it('nulls a refused nested field in every list item, with one error', async () => {
    const result = await run('{ people: publicUsers { name mail: email } }', null);
    expect(result.data).toEqual({
      people: [
        { name: 'Ada', mail: null },
        { name: 'Alan', mail: null },
      ],
    });
    expect(result.errors).toEqual([expect.objectContaining({ path: ['people', 'mail'] })]);
  });

  it('follows fragments', async () => {
    const result = await run(
      '{ publicUsers { ...Card } } fragment Card on User { name email }',
      null,
    );
    expect(result.data).toEqual({
      publicUsers: [
        { name: 'Ada', email: null },
        { name: 'Alan', email: null },
      ],
    });
  });

  it('propagates a refused non-null field to the nearest nullable ancestor', async () => {
    const list = await run('{ optionalUsers { name phone } }', null);
    expect(list.data).toEqual({ optionalUsers: [null, null] });
    // publicUsers: [User!]! has no nullable ancestor below the root, so data is null.
    const root = await run('{ publicUsers { name phone } }', null);
    expect(root.data).toBeNull();
    expect(root.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers FORBIDDEN to a signed-in user without the scope, and serves an ADMIN', async () => {
    const customer = await run('{ secret me { email } }', 'CUSTOMER');
    expect(customer.data).toEqual({ secret: null, me: { email: 'ada@example.com' } });
    expect(customer.errors).toEqual([
      expect.objectContaining({ path: ['secret'], extensions: { code: 'FORBIDDEN' } }),
    ]);
    const admin = await run('{ secret }', 'ADMIN');
    expect(admin.errors).toBeUndefined();
    expect(admin.data).toEqual({ secret: 'the secret' });
  });

  it('never sends a refused mutation to the subgraph', async () => {
    const before = wipes;
    const customer = await graphqlRequest(
      router.url,
      'mutation { wipe }',
      undefined,
      as('CUSTOMER'),
    );
    expect(customer.data).toBeNull();
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(wipes).toBe(before);
    const admin = await graphqlRequest(router.url, 'mutation { wipe }', undefined, as('ADMIN'));
    expect(admin.data).toEqual({ wipe: true });
    expect(wipes).toBe(before + 1);
  });

  it('keeps query plans of different callers apart', async () => {
    const query = '{ publicUsers { name email } }';
    expect((await run(query, null)).data).toEqual({
      publicUsers: [
        { name: 'Ada', email: null },
        { name: 'Alan', email: null },
      ],
    });
    expect((await run(query, 'CUSTOMER')).data).toEqual({
      publicUsers: [
        { name: 'Ada', email: 'ada@example.com' },
        { name: 'Alan', email: 'alan@example.com' },
      ],
    });
    expect((await run(query, null)).data).toEqual({
      publicUsers: [
        { name: 'Ada', email: null },
        { name: 'Alan', email: null },
      ],
    });
  });

  it('refuses a bad token with 401 rather than serving the anonymous view', async () => {
    const result = await graphqlRequest(router.url, '{ publicUsers { name } }', undefined, {
      authorization: `Bearer ${tokens.CUSTOMER!.slice(0, -4)}AAAA`,
    });
    expect(result.status).toBe(401);
    expect(result.contentType).toMatch(/application\/graphql-response\+json/);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data).toBeUndefined();
  });

  it('refuses to load a supergraph with a security feature it does not enforce', async () => {
    const composed = composeServices([
      { name: 'accounts', url: 'http://127.0.0.1:1/graphql', typeDefs },
    ]);
    const withPolicy = composed.supergraphSdl!.replace(
      'https://specs.apollo.dev/authenticated/v0.1',
      'https://specs.apollo.dev/policy/v0.1',
    );
    await expect(
      startRouter(loadRouterConfig({ PORT: '0' }), withPolicy, createLogger('router', 'silent')),
    ).rejects.toThrow(/policy.*unsupported/s);
  });
});
