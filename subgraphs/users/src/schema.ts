import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '@shop/federation';
import { AddressResolver } from './address/address.resolver';
import { UserAddressesResolver } from './address/user-addresses.resolver';
import { AuthResolver } from './auth/auth.resolver';
import { resolveUserReference } from './user/user.reference';
import { UserResolver } from './user/user.resolver';

export function buildUsersSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [UserResolver, UserAddressesResolver, AddressResolver, AuthResolver],
    referenceResolvers: {
      User: resolveUserReference,
    },
  });
}
