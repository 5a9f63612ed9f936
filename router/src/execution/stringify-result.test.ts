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

  it('serializes a data object shared by requests in turn with others once', () => {
    const stringify = createResultStringifier();
    const shared = { product: { id: '1' } };
    const other = { product: { id: '2' } };
    const serialize = jest.spyOn(JSON, 'stringify');
    try {
      const texts = [shared, other, shared, other, shared].map((data) => stringify({ data }));
      expect(texts[4]).toBe(texts[0]);
      expect(serialize).toHaveBeenCalledTimes(2);
    } finally {
      serialize.mockRestore();
    }
  });

  it('keeps the texts of the last few data objects only', () => {
    const stringify = createResultStringifier();
    const first = { product: { id: '0' } };
    stringify({ data: first });
    for (let index = 1; index <= 8; index++)
      stringify({ data: { product: { id: String(index) } } });
    const serialize = jest.spyOn(JSON, 'stringify');
    try {
      expect(stringify({ data: first })).toBe('{"data":{"product":{"id":"0"}}}\n');
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
