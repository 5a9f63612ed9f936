import { OutOfStockError } from '@shop/platform';
import { allocate, mergeLines, type LockedStock } from './allocation';

const row = (
  productId: string,
  warehouseId: string,
  onHand: number,
  reserved = 0,
): LockedStock => ({
  productId,
  warehouseId,
  onHand,
  reserved,
});

describe('allocate', () => {
  it('takes a line from the warehouse with the most available, splitting when it must', () => {
    const stock = [row('p', 'a', 4, 1), row('p', 'b', 5), row('p', 'c', 2)];
    expect(allocate([{ productId: 'p', quantity: 7 }], stock)).toEqual([
      { productId: 'p', warehouseId: 'b', quantity: 5 },
      { productId: 'p', warehouseId: 'a', quantity: 2 },
    ]);
  });

  it('breaks ties by warehouse id and skips warehouses with nothing available', () => {
    const stock = [row('p', 'b', 3), row('p', 'a', 3), row('p', 'z', 2, 2)];
    expect(allocate([{ productId: 'p', quantity: 6 }], stock)).toEqual([
      { productId: 'p', warehouseId: 'a', quantity: 3 },
      { productId: 'p', warehouseId: 'b', quantity: 3 },
    ]);
  });

  it('refuses the first line the stock cannot cover, naming its product', () => {
    const stock = [row('p', 'a', 5), row('q', 'a', 2, 1), row('q', 'b', 1)];
    const attempt = () =>
      allocate(
        [
          { productId: 'p', quantity: 5 },
          { productId: 'q', quantity: 3 },
          { productId: 'r', quantity: 1 },
        ],
        stock,
      );
    expect(attempt).toThrow(OutOfStockError);
    expect(attempt).toThrow(
      expect.objectContaining({ extensions: { code: 'OUT_OF_STOCK', productId: 'q' } }),
    );
  });
});

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
