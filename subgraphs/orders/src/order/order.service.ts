import {
  assertPageSize,
  decodeCursor,
  encodeCursor,
  isUuid,
  mayAccess,
  toConnection,
  type BaseContext,
  type Connection,
  requireAdmin,
  requireUserOrService,
} from '@shop/federation';
import { BadUserInputError, ConflictError, NotFoundError } from '@shop/platform';
import { Prisma, type Database, type SagaStep, tableOf } from '../db';
import type { OrderOutbox } from '../db';
import type { OrderFilter } from './order.input';
import type { OrderItem } from './order-item.type';
import type { OrderStatusChange } from './order-status-change.type';
import {
  orderColumns,
  statusChangeColumns,
  toOrder,
  toOrderItem,
  type OrderItemRow,
  type OrderRow,
} from './order.mapper';
import { mayAdvance } from './order-state-machine';
import type { OrderStatus } from './order-status';
import type { Order } from './order.type';

const cursorOf = (row: OrderRow): string => encodeCursor([row.createdAt.toISOString(), row.id]);
const fulfilmentColumns = { status: true, sagaStep: true } as const;

export class OrderService {
  constructor(
    private readonly db: Database,
    private readonly outbox: OrderOutbox,
  ) {}

  /**
   * One order for its buyer, an ADMIN or a service. Anyone else gets the
   * NOT_FOUND of an unknown or malformed id, so whether an order exists does
   * not leak.
   */
  async visibleById(identity: BaseContext['identity'], id: string): Promise<Order> {
    requireUserOrService(identity);
    const [order] = await this.byIds([id]);
    if (!order || !mayAccess(identity, order.userId)) throw new NotFoundError('Order not found');
    return order;
  }

  /**
   * An ADMIN's fulfilment step (PAID -> SHIPPED -> DELIVERED), in one
   * transaction with its history row and its event. The update is conditional
   * on the status read and on a completed saga, so of two concurrent advances
   * of one order, or an advance and the buyer's cancellation, the second waits
   * for the first's row lock, then matches nothing and gets CONFLICT.
   */
  async advance(identity: BaseContext['identity'], id: string, to: OrderStatus): Promise<Order> {
    const admin = requireAdmin(identity);
    if (!isUuid(id)) throw new NotFoundError('Order not found');
    const order = await this.db.prisma.$transaction(async (tx) => {
      const current = await tx.order.findUnique({ select: fulfilmentColumns, where: { id } });
      if (!current) throw new NotFoundError('Order not found');
      const from = current.status;
      if (!mayAdvance(from, to)) throw cannotMove(current, to);
      const { count } = await tx.order.updateMany({
        where: { id, status: from, sagaStep: 'COMPLETED' },
        data: { status: to },
      });
      if (count === 0) {
        const now = await tx.order.findUnique({ select: fulfilmentColumns, where: { id } });
        throw cannotMove(now ?? current, to);
      }
      await tx.orderStatusHistory.create({
        data: { orderId: id, status: to, actor: admin.userId },
      });
      const row = await tx.order.findUniqueOrThrow({ select: orderColumns, where: { id } });
      // The history only grows, and transitions of one order are serialized by
      // its row lock, so its length orders the order's events.
      const version = await tx.orderStatusHistory.count({ where: { orderId: id } });
      if (to === 'SHIPPED') {
        await this.outbox.record(
          tx,
          'OrderShipped',
          id,
          { orderId: id, userId: row.userId, number: row.number },
          { version },
        );
      } else if (to === 'DELIVERED') {
        const items = await tx.orderItem.findMany({
          select: { productId: true, quantity: true },
          where: { orderId: id },
          orderBy: { productId: 'asc' },
        });
        await this.outbox.record(
          tx,
          'OrderDelivered',
          id,
          { orderId: id, userId: row.userId, items, number: row.number },
          { version },
        );
      }
      return row;
    });
    this.outbox.committed();
    return toOrder(order);
  }

  async byIds(ids: readonly string[]): Promise<Order[]> {
    const rows = await this.db.prisma.order.findMany({
      select: orderColumns,
      where: { id: { in: ids.filter(isUuid) } },
    });
    return rows.map(toOrder);
  }

  /**
   * The lines of the orders, each with its product's name now (what
   * OrderItem.product provides): from orders' copy of products' names, or
   * the name at checkout for a product the copy does not know. By name in
   * byte order (the same whatever the database's collation, as the
   * checkout's answer orders the lines it wrote), then id.
   */
  async itemsOf(orderIds: readonly string[]): Promise<OrderItem[]> {
    const rows = await this.db.prisma.$queryRaw<OrderItemRow[]>`
      SELECT i.id::text AS id, i."orderId"::text AS "orderId", i."productId"::text AS "productId",
             i."productName", COALESCE(p.name, i."productName") AS "currentName", i.quantity,
             i."unitPriceAmount", i."unitPriceCurrency"
        FROM ${tableOf(this.db, 'OrderItem')} i
        LEFT JOIN ${tableOf(this.db, 'ProductPrice')} p ON p."productId" = i."productId"
       WHERE i."orderId" = ANY(${orderIds.filter(isUuid)}::uuid[])
       ORDER BY i."productName" COLLATE "C", i.id`;
    return rows.map(toOrderItem);
  }

  /**
   * The status changes of the orders, oldest first; those made within one
   * millisecond in the order they were made, not by their random ids.
   */
  statusHistoryOf(orderIds: readonly string[]): Promise<OrderStatusChange[]> {
    return this.db.prisma.orderStatusHistory.findMany({
      select: statusChangeColumns,
      where: { orderId: { in: [...orderIds] } },
      orderBy: [{ at: 'asc' }, { sequence: 'asc' }],
    });
  }

  /**
   * The newest `first` orders of each user, in one query for all of them: a
   * list of users asking for their orders costs one statement, not one per user.
   */
  async firstPagesOfUsers(
    userIds: readonly string[],
    first: number,
  ): Promise<Map<string, OrderRow[]>> {
    assertPageSize(first);
    const pages = new Map<string, OrderRow[]>(userIds.map((id) => [id, []]));
    const ids = userIds.filter(isUuid);
    if (ids.length === 0) return pages;
    const table = tableOf(this.db, 'Order');
    const rows = await this.db.prisma.$queryRaw<OrderRow[]>`
      SELECT "id", "number", "userId", "status", "totalAmount", "totalCurrency",
             "shipLine1", "shipLine2", "shipCity", "shipPostalCode", "shipCountry", "createdAt"
      FROM (
        SELECT o.*, ROW_NUMBER() OVER (PARTITION BY o."userId" ORDER BY o."createdAt" DESC, o."id" DESC) AS position
        FROM ${table} o
        WHERE o."userId" = ANY(${ids}::uuid[])
      ) ranked
      WHERE position <= ${first + 1}
      ORDER BY "userId", position`;
    for (const row of rows) {
      pages.get(row.userId)?.push({ ...row, createdAt: new Date(row.createdAt) });
    }
    return pages;
  }

  /**
   * Orders of every buyer for ADMINs, newest first, filtered as a whole: the
   * count is of every matching order, the page of those after the cursor.
   */
  async list(
    identity: BaseContext['identity'],
    first: number,
    after: string | undefined,
    filter: OrderFilter = {},
  ): Promise<Connection<Order>> {
    requireAdmin(identity);
    assertPageSize(first);
    const where = whereOf(filter);
    let page: Prisma.OrderWhereInput = where;
    if (after !== undefined) {
      const position = positionOf(after);
      if (!position)
        throw new BadUserInputError('after is not a cursor of this list', { argument: 'after' });
      const { at, id } = position;
      page = {
        AND: [where, { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: id } }] }],
      };
    }
    // One snapshot for both, so an order placed meanwhile is in the page and the count or in
    // neither; the two reads then run one after the other, which an ADMIN's list can afford.
    const [rows, totalCount] = await this.db.prisma.$transaction(
      [
        this.db.prisma.order.findMany({
          select: orderColumns,
          where: page,
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          take: first + 1,
        }),
        this.db.prisma.order.count({ where }),
      ],
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
    );
    return this.toConnection(rows, first, totalCount, after);
  }

  /** A later page of one user's orders, newest first. */
  async pageOfUser(userId: string, first: number, after: string): Promise<OrderRow[]> {
    assertPageSize(first);
    const position = positionOf(after);
    if (!isUuid(userId) || !position) return [];
    const { at, id } = position;
    return this.db.prisma.order.findMany({
      select: orderColumns,
      where: { userId, OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: id } }] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: first + 1,
    });
  }

  async countsOfUsers(userIds: readonly string[]): Promise<Map<string, number>> {
    const groups = await this.db.prisma.order.groupBy({
      by: ['userId'],
      where: { userId: { in: userIds.filter(isUuid) } },
      _count: { _all: true },
    });
    return new Map(groups.map((group) => [group.userId, group._count._all]));
  }

  toConnection(
    rows: OrderRow[],
    first: number,
    totalCount: number,
    after?: string,
  ): Connection<Order> {
    return toConnection(rows, first, totalCount, after !== undefined, cursorOf, toOrder);
  }
}

/** Where a cursor of a newest-first list points, or undefined when it is not such a cursor. */
function positionOf(cursor: string): { at: Date; id: string } | undefined {
  const [createdAt, id] = decodeCursor(cursor);
  if (typeof createdAt !== 'string' || typeof id !== 'string' || !isUuid(id)) return undefined;
  const at = new Date(createdAt);
  return Number.isNaN(at.getTime()) ? undefined : { at, id };
}

function whereOf(filter: OrderFilter): Prisma.OrderWhereInput {
  const { status, buyerId, placedFrom, placedBefore } = filter;
  if (placedFrom && placedBefore && placedFrom >= placedBefore) {
    throw new BadUserInputError('placedFrom must be before placedBefore', { argument: 'filter' });
  }
  const conditions: Prisma.OrderWhereInput[] = [];
  if (status) conditions.push({ status });
  if (buyerId != null) conditions.push(isUuid(buyerId) ? { userId: buyerId } : { id: { in: [] } });
  if (placedFrom) conditions.push({ createdAt: { gte: placedFrom } });
  if (placedBefore) conditions.push({ createdAt: { lt: placedBefore } });
  return { AND: conditions };
}

function cannotMove(
  order: { status: OrderStatus; sagaStep: SagaStep },
  to: OrderStatus,
): ConflictError {
  const from = order.status;
  // A PAID order whose saga runs again is being cancelled by its buyer.
  if (order.sagaStep !== 'COMPLETED' && mayAdvance(from, to)) {
    return new ConflictError(`The order is being cancelled; it cannot become ${to}`, { from, to });
  }
  return new ConflictError(`Cannot move an order from ${from} to ${to}`, { from, to });
}
