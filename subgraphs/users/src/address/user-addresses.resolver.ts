import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { UsersContext } from '../context';
import { User } from '../user/user.type';
import { Address } from './address.type';

@Resolver(() => User)
export class UserAddressesResolver {
  @FieldResolver(() => [Address], { description: 'The default address first, then newest first.' })
  addresses(@Root() user: User, @Ctx() ctx: UsersContext): Promise<Address[]> {
    return ctx.loaders.addressesByUserId.load(user.id);
  }
}
