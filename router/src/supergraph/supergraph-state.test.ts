import { composeServices } from '@apollo/composition';
// Where @apollo/gateway starts its usage reports to Apollo, when its constructor reads that it may.
import * as gatewayTelemetry from '@apollo/gateway/dist/utilities/opentelemetry';
import { parse } from 'graphql';
import { createLogger } from '@shop/platform';
import { createSubgraphHttpClient, type SubgraphHttpClient } from '../datasources/http-client';
import {
  buildSupergraphState,
  SupergraphRejectedError,
  type SupergraphStateDependencies,
} from './supergraph-state';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@authenticated"])
  type Query { product(id: ID!): Product secret: String @authenticated }
  type Product @key(fields: "id") { id: ID! name: String }
`);

function supergraphWith(url: string): string {
  const composed = composeServices([{ name: 'catalog', url, typeDefs }]);
  if (composed.errors) throw composed.errors[0];
  return composed.supergraphSdl;
}

describe('building the state of a supergraph, or refusing it', () => {
  let http: SubgraphHttpClient;
  let dependencies: SupergraphStateDependencies;
  const valid = supergraphWith('http://127.0.0.1:1/graphql');

  beforeAll(() => {
    http = createSubgraphHttpClient({ timeoutMs: 1_000 });
    dependencies = {
      http,
      subgraphUrls: {},
      identitySecret: 'supergraph-state-test-identity-secret-0123456789',
      limits: {
        maxDepth: 10,
        maxAliases: 10,
        maxRootFields: 10,
        maxSelections: 100,
        maxTokens: 1_000,
        maxCost: 1_000,
        defaultListSize: 10,
      },
      gateway: {},
      log: createLogger('supergraph-state-test', 'silent'),
    };
  });

  afterAll(() => http.close());

  const refusal = async (
    supergraphSdl: string,
    overrides: Partial<SupergraphStateDependencies> = {},
  ) => {
    const error = await buildSupergraphState(supergraphSdl, { ...dependencies, ...overrides }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(SupergraphRejectedError);
    return (error as SupergraphRejectedError).reason;
  };

  it('derives everything a request needs from one supergraph, named by its hash', async () => {
    const state = await buildSupergraphState(valid, dependencies);
    expect(state.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(state.subgraphs).toEqual([{ name: 'catalog', url: 'http://127.0.0.1:1/graphql' }]);
    expect(state.schema.getQueryType()?.getFields()).toHaveProperty('product');
    expect(state.requirements.fields.get('Query.secret')).toEqual({
      authenticated: true,
      scopes: null,
    });
    await state.retire();
  });

  it("starts @apollo/gateway's usage reports to Apollo only when asked (APOLLO_TELEMETRY_DISABLED=false)", async () => {
    const reports = jest
      .spyOn(gatewayTelemetry, 'createDataCollectionExporter')
      .mockImplementation(() => ({ shutdown: async () => undefined }) as never);
    try {
      const quiet = await buildSupergraphState(valid, dependencies);
      await quiet.retire();
      expect(reports).not.toHaveBeenCalled();
      const asked = await buildSupergraphState(valid, {
        ...dependencies,
        gateway: { apolloTelemetry: true },
      });
      await asked.retire();
      expect(reports).toHaveBeenCalledTimes(1);
    } finally {
      reports.mockRestore();
    }
  });

  it('gives the same supergraph the same hash, and another one another', async () => {
    const [a, b, c] = await Promise.all([
      buildSupergraphState(valid, dependencies),
      buildSupergraphState(valid, dependencies),
      buildSupergraphState(supergraphWith('http://127.0.0.1:2/graphql'), dependencies),
    ]);
    expect(a.hash).toBe(b.hash);
    expect(c.hash).not.toBe(a.hash);
  });

  it('refuses text that does not parse', async () => {
    expect(await refusal('type Query {')).toMatch(/Syntax Error/);
  });

  it('refuses a schema that is not a supergraph', async () => {
    expect(await refusal('type Query { a: String }')).toMatch(/supergraph|join__Graph/i);
  });

  it('refuses a subgraph without a URL, unless SUBGRAPH_URL_<NAME> gives one', async () => {
    expect(await refusal(supergraphWith(''))).toMatch(
      /Subgraph catalog has no URL: set SUBGRAPH_URL_CATALOG/,
    );
    const state = await buildSupergraphState(supergraphWith(''), {
      ...dependencies,
      subgraphUrls: { CATALOG: 'http://127.0.0.1:3/graphql' },
    });
    expect(state.subgraphs[0]?.url).toBe('http://127.0.0.1:3/graphql');
  });

  it('refuses a security feature the router does not enforce', async () => {
    const unknownSecurity = valid.replace(
      '{',
      '@link(url: "https://specs.example.com/unknown/v0.1", for: SECURITY)\n{',
    );
    expect(await refusal(unknownSecurity)).toMatch(/unknown|SECURITY|not supported/i);
  });
});
