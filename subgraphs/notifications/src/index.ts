import type { RouteHandler } from '@shop/platform';
import { launchSubgraph, type LaunchOptions, type SubgraphDefinition } from '@shop/federation';
import type { NotificationsConfig } from './config';
import {
  contextFactory,
  createServices,
  type NotificationsContext,
  type NotificationsServices,
} from './context';
import { connectDatabase, MIGRATIONS_DIR, type Database } from './db';
import { mailboxRoute } from './mailbox/mailbox.route';
import { buildNotificationsSchema } from './schema';
import { startTriggers } from './triggers/triggers.consumers';

export { loadNotificationsConfig, type NotificationsConfig } from './config';
export { buildNotificationsSchema } from './schema';

export function notificationsSubgraph(
  config: NotificationsConfig,
): SubgraphDefinition<Database, NotificationsServices, NotificationsContext> {
  const { transport } = config.mail;
  return {
    name: 'notifications',
    migrationsDir: MIGRATIONS_DIR,
    connect: connectDatabase,
    buildSchema: buildNotificationsSchema,
    services: (db, runtime) => createServices(db, config, runtime),
    context: contextFactory,
    routes: (): Record<string, RouteHandler> =>
      transport.kind === 'mailbox' ? { '/mailbox': mailboxRoute(transport.dir) } : {},
    background: (db, services, runtime) => {
      const triggers = startTriggers(db, services, runtime);
      const dispatcher = services.dispatcher.start();
      return {
        async stop() {
          // The consumers first: what they commit while stopping is still sent.
          await triggers.stop();
          await dispatcher.stop();
        },
      };
    },
  };
}

export function startNotificationsSubgraph(
  config: NotificationsConfig,
  options: LaunchOptions = {},
) {
  return launchSubgraph(notificationsSubgraph(config), config, options);
}
