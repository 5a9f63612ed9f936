import { assertPageSize } from '@shop/federation';
import type { Database, DeliveryStatus } from '../db';
import type { NotificationDelivery } from './delivery.type';

/** The delivery log, for ADMINs: newest first. */
export class DeliveryLogService {
  constructor(private readonly db: Database) {}

  async newest(first: number, status: DeliveryStatus | undefined): Promise<NotificationDelivery[]> {
    assertPageSize(first);
    const rows = await this.db.prisma.delivery.findMany({
      where: status ? { status } : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: first,
      include: {
        notification: { select: { kind: true, userId: true } },
        log: { orderBy: { attempt: 'asc' } },
      },
    });
    return rows.map(({ notification, ...delivery }) => ({ ...delivery, ...notification }));
  }
}
