import type { ReservationStatus } from '../db';
import type { RequestedLine } from './allocation';

export interface ReserveRequest {
  /** The order the stock is held for. */
  orderId: string;
  /** The caller's key for this attempt: reserving again with it answers the first reservation. */
  idempotencyKey: string;
  lines: RequestedLine[];
  /** How long the hold lasts unless committed or released; then the sweeper releases it. */
  ttlSeconds: number;
  correlationId?: string | null;
}

export interface HeldLine {
  productId: string;
  warehouseId: string;
  quantity: number;
}

export interface Reservation {
  id: string;
  orderId: string;
  idempotencyKey: string;
  status: ReservationStatus;
  expiresAt: Date;
  lines: HeldLine[];
}
