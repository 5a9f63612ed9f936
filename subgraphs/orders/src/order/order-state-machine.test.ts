import { mayAdvance } from './order-state-machine';
import { OrderStatus } from './order-status';

const statuses = Object.values(OrderStatus);

describe('order state machine (ADMIN moves)', () => {
  it('allows PAID -> SHIPPED and SHIPPED -> DELIVERED', () => {
    expect(mayAdvance('PAID', 'SHIPPED')).toBe(true);
    expect(mayAdvance('SHIPPED', 'DELIVERED')).toBe(true);
  });

  it('refuses every other pair, including staying put, going back and skipping', () => {
    const allowed = new Set(['PAID->SHIPPED', 'SHIPPED->DELIVERED']);
    for (const from of statuses) {
      for (const to of statuses) {
        if (!allowed.has(`${from}->${to}`))
          expect([from, to, mayAdvance(from, to)]).toEqual([from, to, false]);
      }
    }
  });

  it('leaves PENDING, DELIVERED and CANCELLED to others or to nobody', () => {
    for (const to of statuses) {
      expect(mayAdvance('PENDING', to)).toBe(false);
      expect(mayAdvance('DELIVERED', to)).toBe(false);
      expect(mayAdvance('CANCELLED', to)).toBe(false);
    }
  });
});
