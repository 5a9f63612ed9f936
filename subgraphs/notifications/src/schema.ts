import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '@shop/federation';
import { DeliveryLogResolver } from './delivery/delivery-log.resolver';
import { NotificationLiveResolver } from './live/notification-live.resolver';
import { NotificationResolver } from './notification/notification.resolver';
import { PreferenceResolver } from './preference/preference.resolver';
import { UserNotificationsResolver } from './user/user-notifications.resolver';
import { resolveUserReference } from './user/user.reference';
import { UserStub } from './user/user.stub';

export function buildNotificationsSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [
      DeliveryLogResolver,
      NotificationLiveResolver,
      NotificationResolver,
      PreferenceResolver,
      UserNotificationsResolver,
    ],
    // No field of this subgraph returns a User: the type is here only to be extended.
    orphanedTypes: [UserStub],
    referenceResolvers: { User: resolveUserReference },
  });
}
