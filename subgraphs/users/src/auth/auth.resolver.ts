import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { UsersContext } from '../context';
import { AuthPayload } from './auth-payload.type';
import { RegisterInput } from './register.input';

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayload, {
    description: 'Creates a CUSTOMER account and signs it in. CONFLICT when the email is taken.',
  })
  register(
    @Arg('input', () => RegisterInput) input: RegisterInput,
    @Ctx() ctx: UsersContext,
  ): Promise<AuthPayload> {
    return ctx.services.auth.register(input);
  }

  @Mutation(() => AuthPayload, {
    description: 'UNAUTHENTICATED, with one message, for an unknown email or a wrong password.',
  })
  login(
    @Arg('email') email: string,
    @Arg('password') password: string,
    @Ctx() ctx: UsersContext,
  ): Promise<AuthPayload> {
    return ctx.services.auth.login(email, password);
  }

  @Mutation(() => AuthPayload, {
    description:
      'Trades a refresh token for a new pair; the old token stops working, and using it again ends the session.',
  })
  refreshToken(
    @Arg('refreshToken') refreshToken: string,
    @Ctx() ctx: UsersContext,
  ): Promise<AuthPayload> {
    return ctx.services.auth.refresh(refreshToken);
  }

  @Mutation(() => Boolean, {
    description: "Ends the refresh token's session. Always true, whatever the token.",
  })
  logout(@Arg('refreshToken') refreshToken: string, @Ctx() ctx: UsersContext): Promise<boolean> {
    return ctx.services.auth.logout(refreshToken);
  }
}
