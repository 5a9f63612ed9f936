import { parse } from 'graphql';
import { buildSchema, operationFromDocument } from '@apollo/federation-internals';
import { ResponseShaper } from './response-shaper';
import { ApiTypeConditions } from './type-conditions';

const schema = buildSchema(`
  type Query { status: String item: Item items: [Item] }
  type Item { id: ID! label: String detail: Detail }
  type Detail { size: Int color: String }
`);
const types = new ApiTypeConditions(schema);

function shape(query: string, input: Record<string, unknown>) {
  const operation = operationFromDocument(schema, parse(query));
  return new ResponseShaper(operation, types).shape(input, {});
}

describe('ResponseShaper', () => {
  it('answers null for a response name of an Object.prototype member that the subgraphs left out', () => {
    const shaped = shape('{ toString: status constructor: status item { valueOf: label } }', {
      item: { __typename: 'Item' },
    });
    expect(shaped.errors).toEqual([]);
    expect(JSON.stringify(shaped.data)).toBe(
      '{"toString":null,"constructor":null,"item":{"valueOf":null}}',
    );
  });

  it('reads an Object.prototype member name that the subgraph answered', () => {
    const shaped = shape('{ item { constructor: label } }', {
      item: { __typename: 'Item', constructor: 'kettle' },
    });
    expect(shaped.data).toEqual({ item: { constructor: 'kettle' } });
  });

  it('merges a field selected twice, directly and through a fragment, into one object', () => {
    const shaped = shape('{ item { id } ... on Query { item { label } } }', {
      item: { __typename: 'Item', id: '1', label: 'kettle' },
    });
    expect(JSON.stringify(shaped.data)).toBe('{"item":{"id":"1","label":"kettle"}}');
  });

  it('merges the objects below a field selected twice, in lists too', () => {
    const shaped = shape(
      '{ items { detail { size } } ... on Query { items { id detail { color } } } item { detail { size } } }',
      {
        items: [
          { id: '1', detail: { size: 1, color: 'red' } },
          { id: '2', detail: { size: 2, color: 'blue' } },
        ],
        item: { detail: { size: 3, color: 'green' } },
      },
    );
    expect(JSON.stringify(shaped.data)).toBe(
      '{"items":[{"detail":{"size":1,"color":"red"},"id":"1"},' +
        '{"detail":{"size":2,"color":"blue"},"id":"2"}],"item":{"detail":{"size":3}}}',
    );
  });

  it('keeps the first __typename of an object selected twice', () => {
    const shaped = shape('{ item { __typename } ... on Query { item { __typename id } } }', {
      item: { __typename: 'Item', id: '1' },
    });
    expect(JSON.stringify(shaped.data)).toBe('{"item":{"__typename":"Item","id":"1"}}');
  });
});
