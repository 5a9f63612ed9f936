import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from '../db';

registerEnumType(Role, {
  name: 'Role',
  valuesConfig: {
    CUSTOMER: { description: 'Shops for themselves.' },
    ADMIN: { description: 'Manages the catalogue and stock.' },
  },
});

/** email, role and addresses are private: UserResolver and UserAddressesResolver guard them. */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'A person with an account in the store.' })
export class User {
  @Field(() => ID)
  id!: string;

  email!: string;

  @Field({ description: 'Public: reviews show their author by name.' })
  name!: string;

  role!: Role;

  @Field()
  createdAt!: Date;

  /**
   * Set only on the user of a session register, login or refreshToken just
   * opened: the request is anonymous, yet its reader is this user.
   */
  viewedBySelf?: true;
}
