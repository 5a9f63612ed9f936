import { OperationTypeNode } from 'graphql';
import type { FetchNode, PlanNode } from '@apollo/query-planner';
import { scheduleFetches, UnschedulablePlanError } from './fetch-schedule';

/** A fetch to `serviceName`, told apart by `label`. */
const fetch = (serviceName: string, label: string, entities = true): FetchNode => ({
  kind: 'Fetch',
  serviceName,
  operationName: label,
  operation: `{ ${label} }`,
  operationKind: OperationTypeNode.QUERY,
  requires: entities ? [] : undefined,
});
const at = (path: string, node: PlanNode): PlanNode => ({
  kind: 'Flatten',
  path: path.split('.'),
  node,
});
const sequence = (...nodes: PlanNode[]): PlanNode => ({ kind: 'Sequence', nodes });
const parallel = (...nodes: PlanNode[]): PlanNode => ({ kind: 'Parallel', nodes });

/** The schedule as labels: levels of calls, each call the labels it carries. */
const calls = (plan: PlanNode) =>
  scheduleFetches(plan).map((level) =>
    level.map((group) => group.map((scheduled) => scheduled.node.operationName)),
  );

describe('scheduling a plan’s fetches', () => {
  it('runs a Sequence level after level and a Parallel side by side', () => {
    expect(
      calls(
        sequence(
          fetch('accounts', 'users', false),
          parallel(at('users.@', fetch('reviews', 'r')), at('users.@', fetch('inventory', 'i'))),
        ),
      ),
    ).toEqual([[['users']], [['r'], ['i']]]);
  });

  it('merges fetches to one subgraph on one level, across branches', () => {
    expect(
      calls(
        parallel(
          sequence(fetch('accounts', 'users', false), at('users.@', fetch('reviews', 'ur'))),
          sequence(fetch('products', 'top', false), at('top.@', fetch('reviews', 'pr'))),
        ),
      ),
    ).toEqual([[['users'], ['top']], [['ur', 'pr']]]);
  });

  it('postpones a fetch nothing waits for to a later call to its subgraph, never adding a level', () => {
    // inventory's "early" could run at level 1, but inventory is called at level 2 anyway.
    const plan = sequence(
      fetch('products', 'top', false),
      parallel(
        at('top.@', fetch('inventory', 'early')),
        sequence(at('top.@', fetch('reviews', 'r')), at('top.@.r.@', fetch('inventory', 'late'))),
      ),
    );
    expect(calls(plan)).toEqual([[['top']], [['r']], [['early', 'late']]]);
  });

  it('keeps a fetch another waits for at its level', () => {
    const plan = parallel(
      sequence(fetch('a', 'a1', false), at('x', fetch('b', 'b1')), at('x', fetch('c', 'c1'))),
      sequence(fetch('d', 'd1', false), at('y', fetch('a', 'a2')), at('y', fetch('b', 'b2'))),
    );
    // a1 and b1 are waited for: they stay, although a and b are called a level later too;
    // b2 comes after b1's level, so it cannot join it.
    expect(calls(plan)).toEqual([
      [['a1'], ['d1']],
      [['b1'], ['a2']],
      [['c1'], ['b2']],
    ]);
  });

  it('carries Flatten paths and Condition branches to each fetch', () => {
    const schedule = scheduleFetches(
      sequence(fetch('a', 'root', false), {
        kind: 'Condition',
        condition: 'withReviews',
        ifClause: at('top.@', at('reviews.@', fetch('b', 'inside'))),
        elseClause: sequence(fetch('c', 'pad', false), at('top.@', fetch('d', 'otherwise'))),
      }),
    );
    const first = (level: number) => schedule[level]![0]![0]!;
    const [root, inside, otherwise] = [first(0), first(1), first(2)];
    expect(root!.flattens).toEqual([]);
    expect(inside!.flattens).toEqual([
      ['top', '@'],
      ['reviews', '@'],
    ]);
    expect(inside!.conditions).toEqual([{ variable: 'withReviews', expected: true }]);
    expect(otherwise!.conditions).toEqual([{ variable: 'withReviews', expected: false }]);
  });

  // Defer nodes are split apart before scheduling (incremental-delivery.ts, deferred-plan.ts).
  it('refuses a Defer node: it schedules defer-free plans only', () => {
    expect(() =>
      scheduleFetches({ kind: 'Defer', primary: {}, deferred: [] } as unknown as PlanNode),
    ).toThrow(UnschedulablePlanError);
  });
});
