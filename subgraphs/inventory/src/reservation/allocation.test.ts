import { mergeLines } from './allocation';

describe('mergeLines', () => {
  it('adds up the lines of one product, keeping the order first asked', () => {
    expect(
      mergeLines([
        { productId: 'q', quantity: 1 },
        { productId: 'p', quantity: 2 },
        { productId: 'q', quantity: 3 },
      ]),
    ).toEqual([
      { productId: 'q', quantity: 4 },
      { productId: 'p', quantity: 2 },
    ]);
  });
});
