import { RepresentationIndex } from './representation-index';

describe('RepresentationIndex', () => {
  it('gives equal representations, distinct objects, one index and new ones the next', () => {
    const index = new RepresentationIndex();
    expect(index.indexOf({ __typename: 'Product', upc: '1' })).toBe(0);
    expect(index.indexOf({ __typename: 'Product', upc: '2' })).toBe(1);
    expect(index.indexOf({ __typename: 'Product', upc: '1' })).toBe(0);
    expect(index.indexOf({ __typename: 'User', upc: '1' })).toBe(2);
  });

  it('tells values apart as their JSON texts did: types, null, nested objects and lists', () => {
    const index = new RepresentationIndex();
    const seen = [
      { __typename: 'T', id: '1' },
      { __typename: 'T', id: 1 },
      { __typename: 'T', id: null },
      { __typename: 'T', id: 'null' },
      { __typename: 'T', id: { a: 1 } },
      { __typename: 'T', id: '{"a":1}' },
      { __typename: 'T', id: [1, 2] },
      { __typename: 'T', id: { a: 2 } },
    ].map((representation) => index.indexOf(representation));
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(index.indexOf({ __typename: 'T', id: { a: 1 } })).toBe(4);
    expect(index.indexOf({ __typename: 'T', id: [1, 2] })).toBe(6);
  });

  it('keeps representations with other fields, or the same fields in another order, apart', () => {
    const index = new RepresentationIndex();
    expect(index.indexOf({ __typename: 'T', id: '1' })).toBe(0);
    expect(index.indexOf({ __typename: 'T', id: '1', price: 3 })).toBe(1);
    expect(index.indexOf({ id: '1', __typename: 'T' })).toBe(2);
    expect(index.indexOf({ __typename: 'T', sku: '1' })).toBe(3);
  });

  it('finds a representation that is the start of another, whichever came first', () => {
    const index = new RepresentationIndex();
    expect(index.indexOf({ __typename: 'T', id: '1', price: 3 })).toBe(0);
    expect(index.indexOf({ __typename: 'T', id: '1' })).toBe(1);
    expect(index.indexOf({ __typename: 'T', id: '1', price: 3, weight: { kg: 1 } })).toBe(2);
    expect(index.indexOf({ __typename: 'T', id: '1', price: 3 })).toBe(0);
    expect(index.indexOf({ __typename: 'T', id: '1' })).toBe(1);
    expect(index.indexOf({ __typename: 'T', id: '1', price: 3, weight: { kg: 1 } })).toBe(2);
    expect(index.indexOf({})).toBe(3);
    expect(index.indexOf({})).toBe(3);
  });
});
