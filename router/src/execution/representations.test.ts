import type { QueryPlanSelectionNode } from '@apollo/query-planner';
import { buildSchema } from 'graphql';
import { RepresentationIndex } from './representation-index';
import { compileFieldVisitor, compileRepresentation } from './representations';
import { SupergraphTypeConditions } from './type-conditions';

const types = new SupergraphTypeConditions(
  buildSchema(`
    interface Node { id: ID! }
    type Product implements Node { id: ID! upc: String! price: Int weight: Int }
    type User implements Node { id: ID! name: String }
    type Query { node: Node }
  `),
);

const field = (name: string, alias?: string): QueryPlanSelectionNode => ({
  kind: 'Field',
  name,
  ...(alias ? { alias } : {}),
});
const fragment = (
  typeCondition: string | undefined,
  selections: QueryPlanSelectionNode[],
): QueryPlanSelectionNode => ({ kind: 'InlineFragment', typeCondition, selections });

/** Entity indexes as the built representations give them, and as the visited fields do. */
function indexesBothWays(selections: QueryPlanSelectionNode[], entities: unknown[]) {
  const build = compileRepresentation(selections, types);
  const visit = compileFieldVisitor(selections, types)!;
  const built = new RepresentationIndex();
  const visited = new RepresentationIndex();
  return {
    built: entities.map((entity) => {
      const representation = build(entity);
      return representation && representation.__typename ? built.indexOf(representation) : -1;
    }),
    visited: entities.map((entity) => visited.indexOfFields(entity, visit)),
  };
}

describe('compileFieldVisitor', () => {
  it('gives every entity the index its built representation gets', () => {
    const selections = [
      field('__typename'),
      fragment('Product', [field('upc'), field('price'), field('weight')]),
      fragment('Node', [field('id'), field('name', 'label')]),
      fragment(undefined, [field('ignored')]),
    ];
    const entities = [
      { __typename: 'Product', upc: '1', price: 899, weight: 100, name: 'Lamp' },
      { __typename: 'Product', upc: '2', price: 1299, weight: 1000 },
      { weight: 100, price: 899, upc: '1', __typename: 'Product' },
      { __typename: 'Product', upc: '1', price: 899 },
      { __typename: 'Product', upc: '1', price: 899, weight: null },
      { __typename: 'Product', upc: '1', price: 899, weight: 100, id: 'p1', label: 'Lamp' },
      { __typename: 'User', id: '1', label: 'Ada' },
      { __typename: 'User', id: '1' },
      { __typename: 'User', id: '1', label: { first: 'Ada' } },
      { __typename: 'User', id: '1', label: 'Ada' },
      { __typename: 'Review', id: '1' },
      { upc: '1' },
      'not an object',
    ];
    const { built, visited } = indexesBothWays(selections, entities);
    expect(visited).toEqual(built);
    expect(built).toEqual([0, 1, 0, 2, 3, 4, 5, 6, 7, 5, 8, -1, -1]);
  });

  it('needs every field selected directly, and skips a fragment missing one of its own', () => {
    const selections = [
      field('__typename'),
      field('id'),
      fragment('Node', [field('upc'), field('price')]),
    ];
    const entities = [
      { __typename: 'Product', id: '1', upc: '1', price: 3 },
      { __typename: 'Product', id: '1', upc: '1' },
      { __typename: 'Product', id: '1' },
      { __typename: 'Product', upc: '1', price: 3 },
      { __typename: null, id: '1' },
      { __typename: 'Product', id: '1', upc: '1', price: 3 },
    ];
    const { built, visited } = indexesBothWays(selections, entities);
    expect(visited).toEqual(built);
    expect(built).toEqual([0, 1, 1, -1, -1, 0]);
  });

  it('leaves nested selections and a name selected twice to built representations', () => {
    const nested: QueryPlanSelectionNode = {
      kind: 'Field',
      name: 'dimensions',
      selections: [field('size')],
    };
    expect(compileFieldVisitor([field('__typename'), nested], types)).toBeUndefined();
    expect(
      compileFieldVisitor(
        [
          fragment('Product', [field('__typename'), field('id')]),
          fragment('User', [field('__typename'), field('id')]),
        ],
        types,
      ),
    ).toBeUndefined();
  });
});
