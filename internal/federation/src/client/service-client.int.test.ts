import {
  GraphQLID,
  GraphQLInt,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import type { LivePubSub } from '@shop/events';
import { developmentIdentitySecret } from '@shop/identity';
import {
  createLogger,
  createServiceObservability,
  type DomainError,
  OutOfStockError,
  PaymentDeclinedError,
} from '@shop/platform';
import { startInterceptingProxy, type InterceptingProxy } from '@shop/testing';
import type { BaseContext } from '../server/request-context';
import { startSubgraphServer, type RunningSubgraph } from '../server/subgraph-server';
import { ServiceClient, type ServiceRequest } from './service-client';
import { ServiceCallError, ServiceUnavailableError } from './service-errors';

const secret = developmentIdentitySecret();
const noPubSub: LivePubSub = {
  publish: () => Promise.resolve(),
  subscribe: () => Promise.reject(new Error('no subscriptions in this test')),
  close: () => Promise.resolve(),
};

/** What the subgraph's resolvers ran, to tell a retried call from one sent once. */
const ran = { reads: 0, writes: 0 };

/**
 * A real subgraph server (identity verified, request ids read) whose fields
 * say who called and count their runs, and raise the errors asked for.
 */
const schema = new GraphQLSchema({
  query: new GraphQLObjectType<unknown, BaseContext>({
    name: 'Query',
    fields: {
      caller: {
        type: new GraphQLNonNull(GraphQLString),
        resolve: (_source, _args, context) => {
          ran.reads++;
          const { identity } = context;
          return `${identity.kind === 'service' ? identity.service : identity.kind} ${context.requestId}`;
        },
      },
      failing: {
        type: GraphQLString,
        args: { code: { type: new GraphQLNonNull(GraphQLString) } },
        resolve: (_source, { code }: { code: string }) => {
          if (code === 'OUT_OF_STOCK') {
            throw new OutOfStockError('Not enough of p1', { productId: 'p1' });
          }
          if (code === 'PAYMENT_DECLINED') throw new PaymentDeclinedError('Declined');
          throw new Error('something broke');
        },
      },
    },
  }),
  mutation: new GraphQLObjectType({
    name: 'Mutation',
    fields: {
      bump: {
        type: new GraphQLNonNull(GraphQLInt),
        args: { id: { type: new GraphQLNonNull(GraphQLID) } },
        resolve: () => ++ran.writes,
      },
    },
  }),
});

describe('ServiceClient against a real subgraph server', () => {
  let server: RunningSubgraph;
  let proxy: InterceptingProxy;
  const observability = createServiceObservability('products', { metricsEnabled: false });
  const sent: ServiceRequest<'products'>[] = [];
  const client = new ServiceClient({
    identity: { kind: 'service', service: 'orders', scopes: [] },
    identitySecret: secret,
    urls: {
      get products() {
        return proxy.url;
      },
    },
    // An answer the proxy holds is lost after this; long enough for a busy machine's real answers.
    timeoutMs: 2_000,
    attempts: 3,
    willSendRequest: (request) => sent.push(request),
  });

  beforeAll(async () => {
    server = await startSubgraphServer({
      name: 'products',
      schema,
      host: '127.0.0.1',
      port: 0,
      log: createLogger('products', 'silent'),
      context: (base) => base,
      identitySecret: secret,
      pubSub: noPubSub,
      keepAliveMs: 10_000,
      health: () => Promise.resolve(),
      production: false,
      observability,
    });
    proxy = await startInterceptingProxy(server.url);
  });
  afterAll(async () => {
    await client.close();
    await proxy.close();
    await server.stop();
    await observability.shutdown();
  });
  beforeEach(() => {
    ran.reads = 0;
    ran.writes = 0;
    sent.length = 0;
    proxy.intercept(() => 'forward');
  });

  /** The first call's answer is kept from the client (the callee did act), every later one passes. */
  const loseFirstAnswer = () => {
    let calls = 0;
    proxy.intercept(() => (++calls === 1 ? 'hold-response' : 'forward'));
  };

  it('signs its service identity for the callee and passes the request id on', async () => {
    const answer = await client.query<{ caller: string }>(
      'products',
      '{ caller }',
      {},
      { requestId: 'req-42' },
    );
    expect(answer.caller).toBe('orders req-42');
    expect(sent).toEqual([
      expect.objectContaining({
        service: 'products',
        url: proxy.url,
        query: '{ caller }',
        headers: expect.objectContaining({ 'x-request-id': 'req-42' }) as unknown,
      }),
    ]);
  });

  it('asks a read again when its answer is lost', async () => {
    loseFirstAnswer();
    const answer = await client.query<{ caller: string }>('products', 'query { caller }', {});
    expect(answer.caller).toMatch(/^orders /);
    expect(ran.reads).toBe(2);
    expect(sent).toHaveLength(2);
  });

  it('asks a read again when the callee is not taking requests (503)', async () => {
    let calls = 0;
    proxy.intercept(() => (++calls === 1 ? 'refuse' : 'forward'));
    await expect(client.query('products', '{ caller }', {})).resolves.toBeDefined();
    expect(sent).toHaveLength(2);
  });

  it('sends a mutation the callee does not make idempotent once, and says its outcome is unknown', async () => {
    loseFirstAnswer();
    const call = client.mutate('products', 'mutation { bump(id: "a") }', {}, { idempotent: false });
    await expect(call).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(ran.writes).toBe(1);
    expect(sent).toHaveLength(1);
  });

  it('retries a mutation the callee makes idempotent', async () => {
    loseFirstAnswer();
    const answer = await client.mutate<{ bump: number }>(
      'products',
      'mutation { bump(id: "a") }',
      {},
      { idempotent: true },
    );
    expect(answer.bump).toBe(2);
    expect(sent).toHaveLength(2);
  });

  it('refuses a mutation sent as a read', () => {
    expect(() => client.query('products', 'mutation { bump(id: "a") }', {})).toThrow(
      'A mutation goes through mutate()',
    );
  });

  it('gives up after its attempts', async () => {
    proxy.intercept(() => 'refuse');
    await expect(client.query('products', '{ caller }', {})).rejects.toThrow(
      `The products service at ${proxy.url} did not answer in 3 attempts`,
    );
    expect(sent).toHaveLength(3);
  });

  it('raises the callee’s domain errors as the same typed errors, extensions included', async () => {
    const outOfStock = await client
      .query('products', 'query($code: String!) { failing(code: $code) }', { code: 'OUT_OF_STOCK' })
      .catch((error: unknown) => error);
    expect(outOfStock).toBeInstanceOf(OutOfStockError);
    expect((outOfStock as DomainError).extensions).toMatchObject({
      code: 'OUT_OF_STOCK',
      productId: 'p1',
    });
    await expect(
      client.query('products', 'query($code: String!) { failing(code: $code) }', {
        code: 'PAYMENT_DECLINED',
      }),
    ).rejects.toBeInstanceOf(PaymentDeclinedError);
    // Answered, so never retried.
    expect(sent).toHaveLength(2);
  });

  it('raises any other error as a ServiceCallError naming the service', async () => {
    const error = await client
      .query('products', 'query($code: String!) { failing(code: $code) }', { code: 'OTHER' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServiceCallError);
    expect((error as ServiceCallError).message).toContain(
      `The products service at ${proxy.url} answered: `,
    );
  });
});
