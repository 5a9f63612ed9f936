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

  /** What `run` returns, and how many times it called JSON.stringify. */
  function counted<T>(run: () => T): { value: T; serializations: number } {
    const serialize = jest.spyOn(JSON, 'stringify');
    try {
      const value = run();
      return { value, serializations: serialize.mock.calls.length };
    } finally {
      serialize.mockRestore();
    }
  }

  it('serializes one data object once, however many responses carry it', () => {
    const stringify = createResultStringifier();
    const data = { product: { id: '1' } };
    const { value, serializations } = counted(() => [stringify({ data }), stringify({ data })]);
    expect(value[1]).toBe(value[0]);
    expect(serializations).toBe(1);
  });

  it('serializes a data object shared by requests in turn with others once', () => {
    const stringify = createResultStringifier();
    const shared = { product: { id: '1' } };
    const other = { product: { id: '2' } };
    const { value, serializations } = counted(() =>
      [shared, other, shared, other, shared].map((data) => stringify({ data })),
    );
    expect(value[4]).toBe(value[0]);
    expect(serializations).toBe(2);
  });

  it('keeps the texts of the last few data objects only', () => {
    const stringify = createResultStringifier();
    const first = { product: { id: '0' } };
    stringify({ data: first });
    for (let index = 1; index <= 8; index++)
      stringify({ data: { product: { id: String(index) } } });
    const { value, serializations } = counted(() => stringify({ data: first }));
    expect(value).toBe('{"data":{"product":{"id":"0"}}}\n');
    expect(serializations).toBe(1);
  });

  it('serializes equal but distinct data objects each on their own', () => {
    const stringify = createResultStringifier();
    expect(stringify({ data: { n: 1 } })).toBe('{"data":{"n":1}}\n');
    expect(stringify({ data: { n: 2 } })).toBe('{"data":{"n":2}}\n');
  });
});
