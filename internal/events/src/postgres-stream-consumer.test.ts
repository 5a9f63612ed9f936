import { worthWaking } from './postgres-stream-consumer';

describe('worthWaking: which consumers a notification of appended entries wakes', () => {
  it('wakes a consumer of any of the types published, and not one of other types only', () => {
    expect(worthWaking(['OrderPaid'], ['OrderPaid'])).toBe(true);
    expect(worthWaking(['OrderCancelled', 'OrderPaid'], ['OrderShipped', 'OrderPaid'])).toBe(true);
    expect(worthWaking(['OrderCancelled'], ['OrderPaid'])).toBe(false);
  });

  it('wakes a consumer of every type, and every consumer when the types are not named', () => {
    expect(worthWaking(null, ['OrderPaid'])).toBe(true);
    // A publisher from before notifications named the types.
    expect(worthWaking(['OrderCancelled'], [])).toBe(true);
  });
});
