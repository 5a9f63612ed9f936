import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import type { FetchNode, PlanNode, QueryPlan } from '@apollo/query-planner';
import { scheduleFetches } from './fetch-schedule';
import { SupergraphPlanner } from './supergraph-planner';

/**
 * Why root fetches are never merged by aliasing (compiled-plan.ts merges
 * entity fetches only): the planner never gives one level of a plan two
 * root fetches to one subgraph. Root fields of a subgraph go in one fetch
 * whatever the operation does with them (aliases, fragments, @include and
 * @skip on fields or fragments); the only plans with two such fetches are
 * of independent @defer blocks, which run at once but must each be answered
 * as soon as its own fetches are: one call for both would hold the fast
 * block back until the slow one is done.
 */
const FEDERATION = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable"])`;

const planner = (() => {
  const composed = composeServices([
    {
      name: 'accounts',
      url: 'http://127.0.0.1:1/accounts',
      typeDefs: parse(`${FEDERATION}
        type Query { me: User users: [User] user(id: ID!): User }
        type Mutation { rename(name: String!): User }
        type User @key(fields: "id") { id: ID! name: String }`),
    },
    {
      name: 'products',
      url: 'http://127.0.0.1:1/products',
      typeDefs: parse(`${FEDERATION}
        type Query { topProducts(first: Int = 5): [Product] }
        type Product @key(fields: "upc") { upc: String! name: String seller: User }
        type User @key(fields: "id") { id: ID! }`),
    },
  ]);
  if (composed.errors) throw composed.errors[0];
  return new SupergraphPlanner(composed.supergraphSdl);
})();

const planOf = (query: string): QueryPlan =>
  planner.plan(planner.operation(parse(query), undefined));

/** Per level of the schedule, the subgraphs of its root fetches (with repeats). */
const rootFetchesByLevel = (plan: QueryPlan): string[][] =>
  scheduleFetches(plan.node as PlanNode).map((groups) =>
    groups.flat().flatMap(({ node }) => (node.requires ? [] : [node.serviceName])),
  );

describe('root fetches of one subgraph that could share a call', () => {
  it.each([
    [
      'aliases',
      '{ a: topProducts(first: 1) { name } b: topProducts(first: 2) { name } me { id } users { id } }',
    ],
    [
      'fragments on different root fields',
      '{ ...A ...B } fragment A on Query { topProducts { name } me { name } } fragment B on Query { users { name } }',
    ],
    [
      '@include and @skip on root fields',
      'query ($x: Boolean!, $y: Boolean!) { me @include(if: $x) { id } users @include(if: $y) { id } u: user(id: "1") @skip(if: $x) { id } }',
    ],
    [
      'conditional inline fragments',
      'query ($x: Boolean!) { ... @include(if: $x) { me { id } } ... @skip(if: $x) { users { id } } topProducts { name } }',
    ],
    [
      'root fields whose entities go back to the subgraph',
      '{ me { name } topProducts { seller { name } } users { id } }',
    ],
  ])('are never two in one level of a plan: %s', (_case, query) => {
    for (const level of rootFetchesByLevel(planOf(query))) {
      expect(new Set(level).size).toBe(level.length);
    }
  });

  it('are two only in independent @defer blocks, each answered on its own', () => {
    const plan = planOf(
      '{ ... @defer { me { id } } ... @defer(label: "b") { users { name } } topProducts { name } }',
    );
    const deferred = plan.node?.kind === 'Defer' ? plan.node.deferred : [];
    // Independent blocks: each runs at once, and is answered when its own fetch is.
    expect(deferred.map((block) => block.depends)).toEqual([[], []]);
    const services = deferred.map(
      (block) => ((block.node as { node: FetchNode }).node ?? block.node).serviceName,
    );
    expect(services).toEqual(['accounts', 'accounts']);
  });
});
