import { Ctx, Directive, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { neverCache, requireUser } from '@shop/federation';
import type { UsersContext } from '../context';
import { Role } from '../db';
import { assertMayReadPrivate } from './user.privacy';
import { User } from './user.type';

@Resolver(() => User)
export class UserResolver {
  @Directive('@authenticated')
  @Query(() => User, { nullable: true, description: 'The signed-in user.' })
  me(@Ctx() ctx: UsersContext): Promise<User | null> {
    return ctx.loaders.userById.load(requireUser(ctx.identity).userId);
  }

  // Private fields are nullable, so another viewer's NOT_FOUND nulls only the field.
  @FieldResolver(() => String, {
    nullable: true,
    description: 'Trimmed and lower-cased; unique. Only the user and ADMINs see it.',
  })
  email(@Root() user: User, @Ctx() ctx: UsersContext, @Info() info: GraphQLResolveInfo): string {
    neverCache(info);
    assertMayReadPrivate(ctx.identity, user);
    return user.email;
  }

  @FieldResolver(() => Role, { nullable: true, description: 'Only the user and ADMINs see it.' })
  role(@Root() user: User, @Ctx() ctx: UsersContext, @Info() info: GraphQLResolveInfo): Role {
    neverCache(info);
    assertMayReadPrivate(ctx.identity, user);
    return user.role;
  }
}
