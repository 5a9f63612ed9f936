import { productBySlug, seedAdminId, seedData } from './index';
import { seedId } from './ids';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const { categories, products, users, warehouses, stock, deliveredOrders, reviews } = seedData;

function duplicates(values: readonly string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) !== i);
}

describe('seedId', () => {
  it('is deterministic and depends on both kind and key', () => {
    expect(seedId('product', 'a')).toBe(seedId('product', 'a'));
    expect(seedId('product', 'a')).not.toBe(seedId('product', 'b'));
    expect(seedId('product', 'a')).not.toBe(seedId('category', 'a'));
  });

  it('produces valid version-5 UUIDs', () => {
    expect(seedId('user', 'ada@shop.local')).toMatch(UUID_V5);
    expect(seedId('', '')).toMatch(UUID_V5);
  });

  it('derives the admin id the same way as customer ids', () => {
    expect(seedAdminId('admin@shop.local')).toBe(seedId('user', 'admin@shop.local'));
  });
});

describe('seedData', () => {
  it('has ids that are unique and valid v5 UUIDs across every entity', () => {
    const ids = [
      ...categories.map((c) => c.id),
      ...products.map((p) => p.id),
      ...users.map((u) => u.id),
      ...warehouses.map((w) => w.id),
      ...deliveredOrders.map((o) => o.id),
      ...reviews.map((r) => r.id),
    ];
    expect(duplicates(ids)).toEqual([]);
    for (const id of ids) expect(id).toMatch(UUID_V5);
  });

  it('has a category tree whose parents exist', () => {
    const categoryIds = new Set(categories.map((c) => c.id));
    expect(categories.filter((c) => c.parentId === null).length).toBe(3);
    for (const c of categories) {
      if (c.parentId !== null) expect(categoryIds.has(c.parentId)).toBe(true);
    }
    expect(duplicates(categories.map((c) => c.slug))).toEqual([]);
  });

  it('has at least 40 products with unique lower-case-hyphenated slugs', () => {
    expect(products.length).toBeGreaterThanOrEqual(40);
    expect(duplicates(products.map((p) => p.slug))).toEqual([]);
    for (const p of products) expect(p.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('places every product in a leaf category', () => {
    const parentIds = new Set(categories.map((c) => c.parentId));
    const categoryIds = new Set(categories.map((c) => c.id));
    for (const p of products) {
      expect(categoryIds.has(p.categoryId)).toBe(true);
      expect(parentIds.has(p.categoryId)).toBe(false);
    }
  });

  it('prices products in whole positive cents', () => {
    for (const p of products) {
      expect(Number.isInteger(p.price.amount)).toBe(true);
      expect(p.price.amount).toBeGreaterThan(0);
      expect(p.price.currency).toBe('USD');
    }
  });

  it('gives full-text search something to find', () => {
    expect(products.some((p) => p.name.includes('Run'))).toBe(true);
    expect(products.some((p) => p.description.toLowerCase().includes('running'))).toBe(true);
  });

  it('looks products up by slug', () => {
    const first = products[0];
    expect(first && productBySlug(first.slug)).toBe(first);
    expect(productBySlug('no-such-product')).toBeUndefined();
  });

  it('has only customers, leaving the admin to configuration', () => {
    expect(users.length).toBe(4);
    for (const u of users) expect(u.role).toBe('CUSTOMER');
  });

  it('has stock rows that reference existing products and warehouses', () => {
    const productIds = new Set(products.map((p) => p.id));
    const warehouseIds = new Set(warehouses.map((w) => w.id));
    for (const s of stock) {
      expect(productIds.has(s.productId)).toBe(true);
      expect(warehouseIds.has(s.warehouseId)).toBe(true);
      expect(Number.isInteger(s.onHand)).toBe(true);
      expect(s.onHand).toBeGreaterThanOrEqual(0);
      expect(s.onHand).toBeLessThanOrEqual(60);
    }
    expect(duplicates(stock.map((s) => `${s.productId}/${s.warehouseId}`))).toEqual([]);
  });

  it('has out-of-stock and low-stock products', () => {
    const totals = new Map<string, number>(products.map((p) => [p.id, 0]));
    for (const s of stock) totals.set(s.productId, (totals.get(s.productId) ?? 0) + s.onHand);
    const values = [...totals.values()];
    expect(values.filter((t) => t === 0).length).toBeGreaterThanOrEqual(3);
    expect(values.filter((t) => t >= 1 && t <= 5).length).toBeGreaterThanOrEqual(3);
  });

  it('has delivered orders placed by seeded customers for seeded products', () => {
    const userIds = new Set(users.map((u) => u.id));
    expect(deliveredOrders.length).toBe(6);
    for (const o of deliveredOrders) {
      expect(userIds.has(o.userId)).toBe(true);
      expect(o.items.length).toBeGreaterThan(0);
      for (const item of o.items) {
        const p = products.find((candidate) => candidate.id === item.productId);
        expect(p).toBeDefined();
        expect(item.quantity).toBeGreaterThan(0);
        expect(item.unitPrice).toEqual(p?.price);
      }
    }
  });

  it('only has verified-purchase reviews, at most one per author and product', () => {
    for (const r of reviews) {
      const backingOrder = deliveredOrders.find(
        (o) =>
          o.userId === r.authorId &&
          o.createdAt < r.createdAt &&
          o.items.some((item) => item.productId === r.productId),
      );
      expect(backingOrder).toBeDefined();
      expect([1, 2, 3, 4, 5]).toContain(r.rating);
    }
    expect(duplicates(reviews.map((r) => `${r.authorId}/${r.productId}`))).toEqual([]);
  });

  it('uses valid ISO timestamps in 2026', () => {
    const dates = [...deliveredOrders.map((o) => o.createdAt), ...reviews.map((r) => r.createdAt)];
    for (const d of dates) {
      expect(new Date(d).toISOString()).toBe(d);
      expect(d.startsWith('2026-')).toBe(true);
    }
  });
});
