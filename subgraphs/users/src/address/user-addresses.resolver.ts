import { Ctx, Directive, FieldResolver, Resolver, Root } from 'type-graphql';
import type { UsersContext } from '../context';
import { assertMayReadPrivate } from '../user/user.privacy';
import { User } from '../user/user.type';
import { Address } from './address.type';

@Resolver(() => User)
export class UserAddressesResolver {
  @Directive('@listSize(assumedSize: 10)')
  @FieldResolver(() => [Address], {
    nullable: true,
    description: 'The default address first, then newest first. Only the user and ADMINs see them.',
  })
  addresses(@Root() user: User, @Ctx() ctx: UsersContext): Promise<Address[]> {
    assertMayReadPrivate(ctx.identity, user);
    return ctx.loaders.addressesByUserId.load(user.id);
  }
}
