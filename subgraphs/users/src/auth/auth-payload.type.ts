import { Field, ObjectType } from 'type-graphql';
import { User } from '../user/user.type';

@ObjectType({ description: 'A signed-in session: a token pair and the user it is for.' })
export class AuthPayload {
  @Field({ description: 'Short-lived JWT, sent as Authorization: Bearer <accessToken>.' })
  accessToken!: string;

  @Field({
    description:
      'Opaque and single-use: refreshToken trades it for a new pair. Presenting it again ends the session.',
  })
  refreshToken!: string;

  @Field(() => User)
  user!: User;
}
