import { createResultStringifier } from './stringify-result';

/** Apollo Server's own serialization (runHttpQuery's prettyJSONStringify of the ordered fields). */
const apolloText = (result: Record<string, unknown>) =>
  `${JSON.stringify({ errors: result.errors, data: result.data, extensions: result.extensions })}\n`;

describe('createResultStringifier', () => {
  const results = [
    { data: { product: { id: '1', name: 'Lamp', tags: ['a', 'b'] } } },
    { data: null, errors: [{ message: 'gone', path: ['product'] }] },
    { data: { product: null }, errors: [{ message: 'gone', extensions: { code: 'NOT_FOUND' } }] },
    { errors: [{ message: 'bad', extensions: { code: 'BAD_USER_INPUT' } }] },
    { data: { a: 1 }, extensions: { valueCompletion: [] } },
    { data: { text: 'ünïcødé "quoted" \u2028' } },
  ];

  it.each(results)('writes what Apollo Server writes: %j', (result) => {
    expect(createResultStringifier()(result)).toBe(apolloText(result));
  });

  it('serializes one data object once, however many responses carry it', () => {
    const stringify = createResultStringifier();
    const data = { product: { id: '1' } };
    const serialize = jest.spyOn(JSON, 'stringify');
    try {
      const first = stringify({ data });
      const second = stringify({ data });
      expect(second).toBe(first);
      expect(serialize).toHaveBeenCalledTimes(1);
    } finally {
      serialize.mockRestore();
    }
  });

  it('serializes equal but distinct data objects each on their own', () => {
    const stringify = createResultStringifier();
    expect(stringify({ data: { n: 1 } })).toBe('{"data":{"n":1}}\n');
    expect(stringify({ data: { n: 2 } })).toBe('{"data":{"n":2}}\n');
  });
});
