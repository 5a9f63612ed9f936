import { composeServices } from '@apollo/composition';
import { parse, type ExecutionResult } from 'graphql';
import type { Identity } from '@shop/identity';
import { createLogger } from '@shop/platform';
import { createSubgraphHttpClient, type SubgraphHttpClient } from '../src/datasources/http-client';
import { createGateway, type GatewaySetup } from '../src/gateway';
import { startTestSubgraph, type TestSubgraph } from './support/federated-fixture';

/**
 * Where @apollo/query-planner plans wrongly and the router answers right
 * anyway, each on a supergraph of its own.
 */
const FEDERATION = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@requires", "@external", "@shareable"])`;

const COMMENTS = [
  { id: 'c1', body: 'first' },
  { id: 'c2', body: 'second' },
  { id: 'c3', body: 'third' },
  { id: 'c4', body: 'fourth' },
];

const postsTypeDefs = parse(`${FEDERATION}
  type Query { post: Post }
  type Post @key(fields: "id") { id: ID! comments(limit: Int!): [Comment!]! }
  type Comment @shareable { id: ID! body: String }`);

// stats computes a post's summary from its first three comments, whatever the client reads.
const statsTypeDefs = parse(`${FEDERATION}
  type Post @key(fields: "id") {
    id: ID!
    comments(limit: Int!): [Comment!]! @external
    summary: String @requires(fields: "comments(limit: 3) { id }")
  }
  type Comment @shareable { id: ID! }`);

describe('planning right where the reference planner is wrong', () => {
  let subgraphs: TestSubgraph[];
  let http: SubgraphHttpClient;
  let setup: GatewaySetup;
  const identity: Identity = { kind: 'user', userId: 'u1', role: 'CUSTOMER', scopes: ['customer'] };

  beforeAll(async () => {
    subgraphs = [
      await startTestSubgraph('posts', postsTypeDefs, {
        Query: { post: () => ({ id: 'p1' }) },
        Post: {
          __resolveReference: (post: { id: string }) => post,
          comments: (_post: unknown, { limit }: { limit: number }) => COMMENTS.slice(0, limit),
        },
      }),
      await startTestSubgraph('stats', statsTypeDefs, {
        Post: {
          summary: ({ comments }: { comments: { id: string }[] }) =>
            `${comments.length} comments: ${comments.map((comment) => comment.id).join(' ')}`,
        },
      }),
    ];
    const composed = composeServices(
      subgraphs.map((subgraph) => ({
        name: subgraph.name,
        url: subgraph.url,
        typeDefs: subgraph.name === 'posts' ? postsTypeDefs : statsTypeDefs,
      })),
    );
    if (composed.errors) throw composed.errors[0];
    http = createSubgraphHttpClient({ timeoutMs: 5_000 });
    setup = createGateway(
      composed.supergraphSdl,
      http,
      {},
      'planning-fixes-identity-secret-0123456789',
      createLogger('planning-test', 'silent'),
    );
  });

  afterAll(async () => {
    await http.close();
    await Promise.all(subgraphs.map((subgraph) => subgraph.stop()));
  });

  const run = (query: string, variables: Record<string, unknown> = {}): Promise<ExecutionResult> =>
    setup.executor.execute({
      document: parse(query),
      operationName: undefined,
      variables,
      identity,
    });

  it.each([
    ['the required field first', '{ post { summary comments(limit: 1) { id } } }'],
    ['the client’s field first', '{ post { comments(limit: 1) { id } summary } }'],
    ['the limit in a variable', 'query ($n: Int!) { post { comments(limit: $n) { id } summary } }'],
    [
      'inside a fragment',
      'fragment P on Post { comments(limit: 1) { id } } { post { ...P summary } }',
    ],
  ])(
    'a field @requires reads with other arguments: %s — each answers with its own',
    async (_case, query) => {
      const result = await run(query, { n: 1 });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({
        post: { comments: [{ id: 'c1' }], summary: '3 comments: c1 c2 c3' },
      });
    },
  );

  it('leaves a field asked with the requirement’s own arguments as it is', async () => {
    const result = await run('{ post { comments(limit: 3) { id body } summary } }');
    expect(result.data).toEqual({
      post: {
        comments: COMMENTS.slice(0, 3).map(({ id, body }) => ({ id, body })),
        summary: '3 comments: c1 c2 c3',
      },
    });
    const plan = await setup.executor.planOf(
      parse('{ post { comments(limit: 3) { id body } summary } }'),
      undefined,
    );
    expect(JSON.stringify(plan)).not.toContain('_requiresApart');
  });

  it('keeps the client’s own alias, which never clashed', async () => {
    const result = await run('{ post { first: comments(limit: 1) { id } summary } }');
    expect(result.data).toEqual({
      post: { first: [{ id: 'c1' }], summary: '3 comments: c1 c2 c3' },
    });
  });
});
