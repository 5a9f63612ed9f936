import { databaseTraffic, type PoolUse } from '@shop/database';
import { registerCounterOf, registerGaugeOf, type ServiceObservability } from '@shop/platform';

type Registry = NonNullable<ServiceObservability['registry']>;

/** What this process sent PostgreSQL, on /metrics: what the checkout benchmark counts per checkout. */
export function registerDatabaseTraffic(registry: Registry): void {
  registerCounterOf(
    registry,
    { name: 'db_round_trips_total', help: 'Queries this process sent its database pools' },
    () => databaseTraffic.roundTrips,
  );
  registerCounterOf(
    registry,
    {
      name: 'db_statements_total',
      help: 'Those queries that were statements (transaction control left out)',
    },
    () => databaseTraffic.statements,
  );
}

/**
 * The subgraph's connection pool as each scrape finds it (labelled by the
 * registry's `service`, one pool per subgraph): in use near the maximum
 * with clients waiting means requests queue for a connection, which
 * DATABASE_POOL_SIZE or the database's own limit explains.
 */
export function registerPoolUse(registry: Registry, pool: PoolUse, poolSize: number): void {
  const gauges: [name: string, help: string, read: () => number][] = [
    [
      'db_pool_connections',
      'Connections the pool holds open, in use or idle',
      () => pool.totalCount,
    ],
    [
      'db_pool_connections_in_use',
      'Connections running a query or a transaction',
      () => pool.totalCount - pool.idleCount,
    ],
    ['db_pool_connections_idle', 'Open connections waiting for work', () => pool.idleCount],
    [
      'db_pool_connections_max',
      'Connections the pool may open (DATABASE_POOL_SIZE)',
      () => poolSize,
    ],
    [
      'db_pool_waiting_clients',
      'Queries waiting for a connection because every one is in use',
      () => pool.waitingCount,
    ],
  ];
  for (const [name, help, read] of gauges) registerGaugeOf(registry, { name, help }, read);
}
