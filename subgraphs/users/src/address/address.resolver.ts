import { Arg, Ctx, Directive, Mutation, Resolver } from 'type-graphql';
import { requireUser } from '@shop/federation';
import type { UsersContext } from '../context';
import { AddressInput } from './address.input';
import { Address } from './address.type';

@Resolver(() => Address)
export class AddressResolver {
  @Directive('@authenticated')
  @Mutation(() => Address, { description: "Saves an address to the signed-in user's account." })
  addAddress(
    @Arg('input', () => AddressInput) input: AddressInput,
    @Ctx() ctx: UsersContext,
  ): Promise<Address> {
    return ctx.services.addresses.add(requireUser(ctx.identity).userId, input);
  }
}
