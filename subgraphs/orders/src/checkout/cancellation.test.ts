import type { SagaStep } from '../db';
import { OrderStatus } from '../order/order-status';
import { cancelMoveOf, expiredHoldMoveOf } from './cancellation';

const statuses = Object.values(OrderStatus);
const steps: SagaStep[] = [
  'CREATED',
  'PAYMENT_AUTHORIZED',
  'STOCK_RESERVED',
  'PAYMENT_CAPTURED',
  'COMPLETED',
  'COMPENSATING',
  'COMPENSATED',
];

describe('what cancelOrder does with an order', () => {
  it('starts compensating a PAID order, and a PENDING one before its charge is recorded', () => {
    expect(cancelMoveOf('PAID', 'COMPLETED')).toBe('start');
    expect(cancelMoveOf('PENDING', 'CREATED')).toBe('start');
    expect(cancelMoveOf('PENDING', 'PAYMENT_AUTHORIZED')).toBe('start');
    expect(cancelMoveOf('PENDING', 'STOCK_RESERVED')).toBe('start');
  });

  it('runs the saga on while it commits a captured payment or compensates already', () => {
    expect(cancelMoveOf('PENDING', 'PAYMENT_CAPTURED')).toBe('run-saga');
    expect(cancelMoveOf('PENDING', 'COMPENSATING')).toBe('run-saga');
    expect(cancelMoveOf('PAID', 'COMPENSATING')).toBe('run-saga');
  });

  it('answers a cancelled order as it is, whatever cancelled it', () => {
    for (const step of steps) expect(cancelMoveOf('CANCELLED', step)).toBe('answer');
  });

  it('refuses shipped and delivered orders, and states no saga leaves behind', () => {
    for (const step of steps) {
      expect(cancelMoveOf('SHIPPED', step)).toBe('refuse');
      expect(cancelMoveOf('DELIVERED', step)).toBe('refuse');
    }
    expect(cancelMoveOf('PENDING', 'COMPLETED')).toBe('refuse');
    expect(cancelMoveOf('PAID', 'CREATED')).toBe('refuse');
  });

  it('never runs the saga on from a state it cannot leave, so cancelOrder always ends', () => {
    const endless = statuses.flatMap((status) =>
      steps
        .filter((step) => cancelMoveOf(status, step) === 'run-saga')
        .filter((step) => step === 'COMPLETED' || step === 'COMPENSATED')
        .map((step) => `${status}/${step}`),
    );
    expect(endless).toEqual([]);
  });
});

describe('what settling an expired hold does with its order', () => {
  it('answers PAID for an order paid, shipped or delivered', () => {
    for (const status of ['PAID', 'SHIPPED', 'DELIVERED'] as const) {
      expect(expiredHoldMoveOf(status, 'COMPLETED')).toBe('paid');
    }
  });

  it('answers CANCELLED for an order cancelled or being compensated, whatever its status', () => {
    for (const step of steps) expect(expiredHoldMoveOf('CANCELLED', step)).toBe('cancelled');
    expect(expiredHoldMoveOf('PENDING', 'COMPENSATING')).toBe('cancelled');
    expect(expiredHoldMoveOf('PAID', 'COMPENSATING')).toBe('cancelled');
  });

  it('ends a PENDING order before its charge is recorded, and runs on one whose charge was captured', () => {
    expect(expiredHoldMoveOf('PENDING', 'CREATED')).toBe('start');
    expect(expiredHoldMoveOf('PENDING', 'PAYMENT_AUTHORIZED')).toBe('start');
    expect(expiredHoldMoveOf('PENDING', 'STOCK_RESERVED')).toBe('start');
    expect(expiredHoldMoveOf('PENDING', 'PAYMENT_CAPTURED')).toBe('run-saga');
  });

  it('refuses states no saga leaves behind', () => {
    expect(expiredHoldMoveOf('PENDING', 'COMPLETED')).toBe('refuse');
    expect(expiredHoldMoveOf('PAID', 'STOCK_RESERVED')).toBe('refuse');
    expect(expiredHoldMoveOf('SHIPPED', 'PAYMENT_CAPTURED')).toBe('refuse');
  });
});
