import { JsonNestingGauge, jsonTextTooDeep, jsonValueTooDeep } from './json-nesting';

const arrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const objects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('the JSON nesting gauge', () => {
  it.each([
    ['arrays', arrays],
    ['objects', objects],
  ])('admits %s nested to the limit and refuses one level more', (_what, nested) => {
    expect(jsonTextTooDeep(nested(64), 64)).toBe(false);
    expect(jsonTextTooDeep(nested(65), 64)).toBe(true);
  });

  it('counts depth, not brackets: siblings do not add up', () => {
    const wide = `[${Array.from({ length: 1_000 }, () => arrays(3)).join(',')}]`;
    expect(jsonTextTooDeep(wide, 4)).toBe(false);
    expect(jsonTextTooDeep(wide, 3)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes and backslashes included', () => {
    const text = JSON.stringify({ a: '[[[{{{', b: 'say \\"[[[\\" \\\\', c: ['"]]]{{'] });
    expect(jsonTextTooDeep(text, 2)).toBe(false);
    expect(jsonTextTooDeep(`["\\\\", ${arrays(2)}]`, 2)).toBe(true);
  });

  it('measures text fed in pieces, split anywhere, as bytes or as a string', () => {
    const text = `{"s":"a\\"[[[","v":${arrays(10)}}`;
    for (let cut = 0; cut <= text.length; cut++) {
      for (const limit of [10, 11]) {
        const gauge = new JsonNestingGauge(limit);
        gauge.feed(Buffer.from(text.slice(0, cut)));
        gauge.feed(text.slice(cut));
        expect(gauge.exceeded).toBe(limit === 10);
      }
    }
  });

  it('scans 400,000 levels without recursion', () => {
    expect(jsonTextTooDeep(arrays(400_000))).toBe(true);
  });
});

describe('the nesting of a parsed value', () => {
  it('admits a value nested to the limit and refuses one level more', () => {
    expect(jsonValueTooDeep(JSON.parse(objects(64)), 64)).toBe(false);
    expect(jsonValueTooDeep(JSON.parse(objects(65)), 64)).toBe(true);
    expect(jsonValueTooDeep('[[[[[[', 1)).toBe(false);
    expect(jsonValueTooDeep(null, 0)).toBe(false);
  });

  it('walks 400,000 levels without recursion', () => {
    expect(jsonValueTooDeep(JSON.parse(arrays(400_000)))).toBe(true);
  });
});
