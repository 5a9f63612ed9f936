import { EncodedBodies } from './encoded-bodies';

describe('EncodedBodies', () => {
  const large = (fill: string) => `{"data":"${fill.repeat(20_000)}"}`;

  it('encodes every body as UTF-8', () => {
    const bodies = new EncodedBodies();
    for (const text of ['{"data":{}}', large('ü'), large('€')]) {
      expect(bodies.bytesOf(text).equals(Buffer.from(text, 'utf8'))).toBe(true);
    }
  });

  it('encodes a large body sent again once', () => {
    const bodies = new EncodedBodies();
    const text = large('x');
    expect(bodies.bytesOf(text)).toBe(bodies.bytesOf(text));
  });

  it('never answers one body with the bytes of another of the same length', () => {
    const bodies = new EncodedBodies();
    const first = large('a');
    const second = large('b');
    bodies.bytesOf(first);
    expect(bodies.bytesOf(second).toString()).toBe(second);
  });

  it('forgets bodies beyond the few it keeps', () => {
    const bodies = new EncodedBodies();
    const first = large('0');
    const kept = bodies.bytesOf(first);
    for (let index = 1; index <= 8; index++) bodies.bytesOf(large(String(index)));
    const again = bodies.bytesOf(first);
    expect(again).not.toBe(kept);
    expect(again.equals(kept)).toBe(true);
  });
});
