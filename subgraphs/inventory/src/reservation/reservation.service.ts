import { randomUUID } from 'node:crypto';
import { isUuid, idempotencyKeyOf, uuidOf } from '@shop/federation';
import { statement } from '@shop/database';
import {
  BadUserInputError,
  ConflictError,
  NotFoundError,
  OutOfStockError,
  integerIn,
} from '@shop/platform';
import {
  enumNameOf,
  SQL_NOW,
  SQL_NOW_TEXT,
  tableNameOf,
  tableOf,
  type Database,
  type InventoryOutbox,
  type Prisma,
  type ReservationStatus,
} from '../db';
import type { StockEvents } from '../stock/stock-events';
import { MAX_QUANTITY } from '../stock/stock.service';
import { mergeLines, type Allocation, type RequestedLine } from './allocation';
import type { Reservation, ReserveRequest } from './reservation.types';

const MAX_RESERVATION_LINES = 100;
/** A hold lasts at most a day; a checkout that needs longer has failed. */
const MAX_TTL_SECONDS = 86_400;

const reservationColumns = {
  id: true,
  orderId: true,
  idempotencyKey: true,
  status: true,
  expiresAt: true,
  lines: {
    select: { productId: true, warehouseId: true, quantity: true },
    orderBy: [{ productId: 'asc' }, { warehouseId: 'asc' }],
  },
} as const satisfies Prisma.ReservationSelect;

/** What one unit of a reservation's lines does to the stock when the reservation is settled. */
interface UnitEffect {
  onHand: number;
  reserved: number;
}

/**
 * The ways a reservation ends: the status it must be in, what each of its
 * units does to the stock, and the statuses that mean the change is made
 * already (asked again, it changes nothing). Released (or expired) units are
 * no longer held; committed ones leave the shelf; returned ones, of a paid
 * order cancelled before it shipped, come back on it (released ones are back
 * already).
 */
const SETTLINGS = {
  RELEASED: { from: 'HELD', unit: { onHand: 0, reserved: -1 }, done: ['RELEASED', 'EXPIRED'] },
  EXPIRED: { from: 'HELD', unit: { onHand: 0, reserved: -1 }, done: ['EXPIRED', 'RELEASED'] },
  COMMITTED: { from: 'HELD', unit: { onHand: -1, reserved: -1 }, done: ['COMMITTED'] },
  RETURNED: {
    from: 'COMMITTED',
    unit: { onHand: 1, reserved: 0 },
    done: ['RETURNED', 'RELEASED', 'EXPIRED'],
  },
} as const satisfies Record<
  string,
  { from: ReservationStatus; unit: UnitEffect; done: readonly ReservationStatus[] }
>;

type Settlement = keyof typeof SETTLINGS;

/** What the reserving statement answers: the first line short, or the hold it made. */
interface ReserveOutcome {
  short: { productId: string; quantity: number; available: number } | null;
  expiresAt: Date | string | null;
  lines: Allocation[];
}

/** What the settling statement answers: whether it moved the reservation, and the row as read. */
interface SettleOutcome extends Omit<Reservation, 'lines' | 'expiresAt'> {
  settled: boolean;
  expiresAt: Date | string;
  lines: Allocation[];
}

/** Whether a unit's effect changes what is available (on hand minus reserved). */
const movesAvailability = (unit: UnitEffect): boolean => unit.onHand !== unit.reserved;

/**
 * Stock held for orders. Every transaction here locks the StockLevel rows it
 * changes before changing them, ordered by product then warehouse, and then
 * the products' settings rows in product order (StockEvents), as restock
 * does: transactions over overlapping products wait for each other instead
 * of deadlocking, and none sees stock another is about to take. A settling
 * locks its reservations' rows before any of these, in id order, so two
 * settling many at once wait for each other too.
 */
export class ReservationService {
  constructor(
    private readonly db: Database,
    private readonly events: StockEvents,
    private readonly outbox: InventoryOutbox,
  ) {}

  /**
   * Holds every line's units, or none, in one statement: the StockLevel rows
   * of the products are locked (reading their latest values), each line is
   * allocated from the warehouse with the most available first, split over
   * several when one has too little (OUT_OF_STOCK naming the first product
   * asked for that the stock cannot cover), and only then is the key claimed,
   * `reserved` raised, the lines written and the products' events recorded.
   * A second call with the key finds it claimed (waiting for the first to
   * commit) and answers its reservation instead of holding again.
   */
  async reserve(request: ReserveRequest): Promise<Reservation> {
    const orderId = uuidOf(request.orderId, 'orderId');
    const idempotencyKey = idempotencyKeyOf(request.idempotencyKey);
    const ttlSeconds = integerIn(request.ttlSeconds, 'ttlSeconds', 1, MAX_TTL_SECONDS);
    const lines = validLines(request.lines);
    const id = randomUUID();
    const table = (name: Prisma.ModelName) => tableNameOf(this.db, name);
    const [outcome] = await this.db.sql.rows<ReserveOutcome>(
      statement(
        `WITH wanted AS (
         SELECT w."productId", w."quantity", w.asked
           FROM unnest($5::uuid[], $6::int[]) WITH ORDINALITY AS w("productId", "quantity", asked)
       ), locked AS MATERIALIZED (
         SELECT "productId", "warehouseId", "onHand", "reserved" FROM ${table('StockLevel')}
          WHERE "productId" = ANY($5::uuid[])
          ORDER BY "productId", "warehouseId"
            FOR UPDATE
       ), sources AS (
         SELECT "productId", "warehouseId", "onHand" - "reserved" AS available,
                COALESCE(SUM("onHand" - "reserved") OVER (
                  PARTITION BY "productId" ORDER BY "onHand" - "reserved" DESC, "warehouseId"
                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
           FROM locked WHERE "onHand" - "reserved" > 0
       ), short AS (
         SELECT w."productId", w."quantity", COALESCE(SUM(s.available), 0)::int AS available, w.asked
           FROM wanted w LEFT JOIN sources s USING ("productId")
          GROUP BY w."productId", w."quantity", w.asked
         HAVING COALESCE(SUM(s.available), 0) < w."quantity"
       ), allocation AS (
         SELECT s."productId", s."warehouseId", LEAST(s.available, w."quantity" - s.before)::int AS quantity
           FROM sources s JOIN wanted w USING ("productId")
          WHERE s.before < w."quantity" AND NOT EXISTS (SELECT 1 FROM short)
       ), claimed AS (
         INSERT INTO ${table('Reservation')}
           ("id", "orderId", "idempotencyKey", "status", "expiresAt", "createdAt", "updatedAt")
         SELECT $1::uuid, $2::uuid, $3, 'HELD', ${SQL_NOW_TEXT} + make_interval(secs => $4::int),
                ${SQL_NOW_TEXT}, ${SQL_NOW_TEXT}
          WHERE NOT EXISTS (SELECT 1 FROM short)
         ON CONFLICT ("idempotencyKey") DO NOTHING
         RETURNING "id", "expiresAt"
       ), held AS (
         UPDATE ${table('StockLevel')} AS l
            SET "reserved" = l."reserved" + a.quantity, "updatedAt" = ${SQL_NOW_TEXT}
           FROM allocation a
          WHERE EXISTS (SELECT 1 FROM claimed)
            AND l."productId" = a."productId" AND l."warehouseId" = a."warehouseId"
       ), written AS (
         INSERT INTO ${table('ReservationLine')} ("id", "reservationId", "productId", "warehouseId", "quantity")
         SELECT gen_random_uuid(), c."id", a."productId", a."warehouseId", a.quantity
           FROM claimed c, allocation a
       ), available AS (
         SELECT k."productId",
                SUM(GREATEST(k."onHand" - k."reserved" - COALESCE(a.quantity, 0), 0))::int AS available
           FROM locked k LEFT JOIN allocation a USING ("productId", "warehouseId")
          WHERE EXISTS (SELECT 1 FROM claimed)
          GROUP BY k."productId"
       ), ${this.events.ctesFrom('available', '$7')}
       SELECT (SELECT json_build_object('productId', "productId", 'quantity', "quantity",
                                        'available', available)
                 FROM short ORDER BY asked LIMIT 1) AS short,
              (SELECT "expiresAt" FROM claimed) AS "expiresAt",
              (SELECT COALESCE(json_agg(json_build_object('productId', "productId",
                        'warehouseId', "warehouseId", 'quantity', quantity)), '[]'::json)
                 FROM allocation) AS lines`,
        [
          id,
          orderId,
          idempotencyKey,
          ttlSeconds,
          lines.map((line) => line.productId),
          lines.map((line) => line.quantity),
          request.correlationId ?? null,
        ],
      ),
    );
    if (outcome!.expiresAt !== null) {
      this.outbox.committed();
      // All of it was just written here: answered without reading it back.
      return {
        id,
        orderId,
        idempotencyKey,
        status: 'HELD',
        expiresAt: new Date(outcome!.expiresAt),
        lines: inLineOrder(outcome!.lines),
      };
    }
    // The key was claimed already (a repeated or racing call): its reservation is the answer,
    // even when what is left now would not cover it.
    const existing = await this.byKey(idempotencyKey, orderId);
    if (existing) return existing;
    const short = outcome!.short!;
    throw new OutOfStockError(
      `Not enough stock of product ${short.productId}: ${short.quantity} wanted, ${short.available} available`,
      { productId: short.productId },
    );
  }

  /** Gives a held reservation's units back (HELD → RELEASED); releasing again changes nothing. */
  release(reservationId: string, correlationId: string | null = null): Promise<Reservation> {
    return this.settle(reservationId, 'RELEASED', correlationId);
  }

  /**
   * The goods leave (HELD → COMMITTED): the held units come off `reserved`
   * and off `onHand`. Committing again changes nothing; CONFLICT once the
   * hold was given back. The one way a hold is committed: by orders' older
   * sagas (commitReservation), by OrderPaid's consumer and by the sweeper.
   */
  commit(reservationId: string, correlationId: string | null = null): Promise<Reservation> {
    return this.settle(reservationId, 'COMMITTED', correlationId);
  }

  /**
   * `commit` of many holds in one statement (OrderPaid's consumer, a
   * delivery at a time), answering each as `commit` would, in the order
   * asked: the reservation, or the CONFLICT or NOT_FOUND error it would
   * throw. A commit moves nothing available, so it records no events and
   * carries no correlation id.
   */
  async commitAll(
    reservationIds: readonly string[],
  ): Promise<(Reservation | ConflictError | NotFoundError)[]> {
    const moved = await this.move(reservationIds.filter(isUuid), 'COMMITTED', null);
    return reservationIds.map((id) => {
      const reservation = moved.get(id.toLowerCase());
      if (!reservation) return new NotFoundError('Reservation not found');
      return conflictOf(reservation, 'COMMITTED') ?? reservation;
    });
  }

  /**
   * The goods of a paid order cancelled before it shipped come back on hand
   * (COMMITTED → RETURNED). A hold OrderPaid's consumer has not committed yet
   * is released instead, so the commit that follows finds nothing to do;
   * one released already is back. Returning again changes nothing.
   */
  async returnGoods(reservationId: string, correlationId: string | null = null) {
    // Statuses only go forward (HELD → COMMITTED → RETURNED, HELD → RELEASED or EXPIRED):
    // a second pass follows a commit made between the two moves, and there is no third.
    for (;;) {
      const returned = await this.moveOne(reservationId, 'RETURNED', correlationId);
      if (returned.status !== 'HELD') return doneOrConflict(returned, 'RETURNED');
      const released = await this.moveOne(reservationId, 'RELEASED', correlationId);
      if (released.status !== 'COMMITTED') return doneOrConflict(released, 'RELEASED');
    }
  }

  /**
   * Gives back the units of a hold past its expiry whose order will never be
   * paid (HELD → EXPIRED), as the sweeper does once orders says so.
   * Expiring again, or a released hold, changes nothing.
   */
  expire(reservationId: string): Promise<Reservation> {
    return this.settle(reservationId, 'EXPIRED', null);
  }

  /**
   * Up to `batchSize` held reservations past their expiry, the longest
   * expired first, for the sweeper to settle with their orders. Nothing is
   * locked: several sweepers may read the same ones, and each settling is
   * conditional on the hold's status.
   */
  dueHolds(batchSize: number): Promise<{ id: string; orderId: string }[]> {
    const reservations = tableOf(this.db, 'Reservation');
    return this.db.prisma.$queryRaw<{ id: string; orderId: string }[]>`
      SELECT "id"::text, "orderId"::text FROM ${reservations}
       WHERE "status" = 'HELD' AND "expiresAt" <= ${SQL_NOW}
       ORDER BY "expiresAt", "id"
       LIMIT ${batchSize}`;
  }

  /** `move`, answered only when the reservation is (now or already) as `outcome` leaves it. */
  private async settle(
    reservationId: string,
    outcome: Settlement,
    correlationId: string | null,
  ): Promise<Reservation> {
    return doneOrConflict(await this.moveOne(reservationId, outcome, correlationId), outcome);
  }

  /** `move` of one reservation; NOT_FOUND when there is none. */
  private async moveOne(
    reservationId: string,
    outcome: Settlement,
    correlationId: string | null,
  ): Promise<Reservation> {
    if (!isUuid(reservationId)) throw new NotFoundError('Reservation not found');
    const moved = await this.move([reservationId], outcome, correlationId);
    const reservation = moved.get(reservationId.toLowerCase());
    if (!reservation) throw new NotFoundError('Reservation not found');
    return reservation;
  }

  /**
   * Moves the reservations that are `from` to `outcome` and their units'
   * stock, in one statement: the reservation rows are locked in id order,
   * then the stock rows of their products in the common order (reading their
   * latest values), and the products' events are recorded when what is
   * available moves, one per product for all the reservations. Answers each
   * reservation found as it then stands, moved or not, by its id (lower
   * case).
   */
  private async move(
    reservationIds: readonly string[],
    outcome: Settlement,
    correlationId: string | null,
  ): Promise<Map<string, Reservation>> {
    const { from, unit } = SETTLINGS[outcome];
    if (reservationIds.length === 0) return new Map();
    const table = (name: Prisma.ModelName) => tableNameOf(this.db, name);
    const status = enumNameOf(this.db, 'ReservationStatus');
    const announced = movesAvailability(unit);
    const rows = await this.db.sql.rows<SettleOutcome>(
      statement(
        `WITH movable AS MATERIALIZED (
         SELECT "id" FROM ${table('Reservation')}
          WHERE "id" = ANY($1::uuid[]) AND "status" = $3::${status}
          ORDER BY "id"
            FOR NO KEY UPDATE
       ), settled AS (
         UPDATE ${table('Reservation')} AS r SET "status" = $2::${status}, "updatedAt" = ${SQL_NOW_TEXT}
           FROM movable m
          WHERE r."id" = m."id" AND r."status" = $3::${status}
         RETURNING r."id"
       ), lines AS (
         SELECT "reservationId", "productId", "warehouseId", "quantity" FROM ${table('ReservationLine')}
          WHERE "reservationId" = ANY($1::uuid[])
       ), effect AS (
         SELECT l."productId", l."warehouseId",
                (SUM(l."quantity") * $4::int)::int AS "onHand", (SUM(l."quantity") * $5::int)::int AS reserved
           FROM lines l JOIN settled s ON s."id" = l."reservationId"
          GROUP BY l."productId", l."warehouseId"
       ), locked AS MATERIALIZED (
         SELECT "productId", "warehouseId", "onHand", "reserved" FROM ${table('StockLevel')}
          WHERE "productId" IN (SELECT "productId" FROM effect)
          ORDER BY "productId", "warehouseId"
            FOR UPDATE
       ), moved AS (
         UPDATE ${table('StockLevel')} AS l
            SET "onHand" = l."onHand" + e."onHand", "reserved" = l."reserved" + e.reserved,
                "updatedAt" = ${SQL_NOW_TEXT}
           FROM effect e
          WHERE (SELECT count(*) FROM locked) > 0
            AND l."productId" = e."productId" AND l."warehouseId" = e."warehouseId"
       )${
         announced
           ? `, available AS (
         SELECT k."productId",
                SUM(GREATEST(k."onHand" + COALESCE(e."onHand", 0) - k."reserved" - COALESCE(e.reserved, 0), 0))::int AS available
           FROM locked k LEFT JOIN effect e USING ("productId", "warehouseId")
          GROUP BY k."productId"
       ), ${this.events.ctesFrom('available', '$6')}`
           : ''
       }
       SELECT r."id" IN (SELECT "id" FROM settled) AS settled,
              r."id"::text, r."orderId"::text, r."idempotencyKey", r."status"::text, r."expiresAt",
              (SELECT COALESCE(json_agg(json_build_object('productId', l."productId",
                        'warehouseId', l."warehouseId", 'quantity', l."quantity")), '[]'::json)
                 FROM lines l WHERE l."reservationId" = r."id") AS lines
         FROM ${table('Reservation')} r WHERE r."id" = ANY($1::uuid[])`,
        [
          reservationIds,
          outcome,
          from,
          unit.onHand,
          unit.reserved,
          ...(announced ? [correlationId] : []),
        ],
      ),
    );
    const answered = new Map<string, Reservation>();
    // Read before this statement's update waited, if it did: their status may have moved since.
    const overtaken: string[] = [];
    for (const { settled, lines, ...stored } of rows) {
      const reservation = {
        ...stored,
        expiresAt: new Date(stored.expiresAt),
        lines: inLineOrder(lines),
      };
      // A moved row's lines never change: answered without reading it back.
      if (settled) answered.set(stored.id, { ...reservation, status: outcome });
      else if (stored.status === from) overtaken.push(stored.id);
      else answered.set(stored.id, reservation);
    }
    if (announced && rows.some((row) => row.settled)) this.outbox.committed();
    for (const reservation of await this.byIds(overtaken)) {
      answered.set(reservation.id, reservation);
    }
    return answered;
  }

  /** The reservation that claimed the key, if one did; CONFLICT when the key was used for another order. */
  private async byKey(idempotencyKey: string, orderId: string): Promise<Reservation | null> {
    const reservation = await this.db.prisma.reservation.findUnique({
      where: { idempotencyKey },
      select: reservationColumns,
    });
    if (reservation && reservation.orderId !== orderId) {
      throw new ConflictError('This idempotency key was used for another order', {
        field: 'idempotencyKey',
      });
    }
    return reservation;
  }

  private async byIds(ids: readonly string[]): Promise<Reservation[]> {
    if (ids.length === 0) return [];
    return this.db.prisma.reservation.findMany({
      where: { id: { in: [...ids] } },
      select: reservationColumns,
    });
  }
}

/** The reservation, if it is as `outcome` leaves one; CONFLICT naming its status otherwise. */
function doneOrConflict(reservation: Reservation, outcome: Settlement): Reservation {
  const conflict = conflictOf(reservation, outcome);
  if (conflict) throw conflict;
  return reservation;
}

/** Nothing when the reservation is as `outcome` leaves one; the CONFLICT naming its status otherwise. */
function conflictOf(reservation: Reservation, outcome: Settlement): ConflictError | null {
  if ((SETTLINGS[outcome].done as readonly string[]).includes(reservation.status)) return null;
  return new ConflictError(
    `The reservation is ${reservation.status.toLowerCase()}; it cannot become ${outcome.toLowerCase()}`,
    { status: reservation.status },
  );
}

function validLines(lines: readonly RequestedLine[]): RequestedLine[] {
  if (lines.length === 0 || lines.length > MAX_RESERVATION_LINES) {
    throw new BadUserInputError(`lines must hold 1 to ${MAX_RESERVATION_LINES} lines`, {
      field: 'lines',
    });
  }
  for (const line of lines) {
    uuidOf(line.productId, 'lines.productId');
    integerIn(line.quantity, 'lines.quantity', 1, MAX_QUANTITY);
  }
  return mergeLines(lines);
}

/** A reservation's lines in the order its reads answer them: by product, then warehouse (uuid order). */
function inLineOrder(lines: readonly Allocation[]): Allocation[] {
  const byUuid = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...lines].sort(
    (a, b) => byUuid(a.productId, b.productId) || byUuid(a.warehouseId, b.warehouseId),
  );
}
