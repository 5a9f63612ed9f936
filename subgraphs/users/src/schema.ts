import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '@shop/federation';
import { UserAddressesResolver } from './address/user-addresses.resolver';
import { userReference } from './user/user.reference';
import { User } from './user/user.type';

export function buildUsersSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [UserAddressesResolver],
    // No root field returns User yet; the router reaches it through _entities.
    orphanedTypes: [User],
    referenceResolvers: {
      User: userReference,
    },
  });
}
