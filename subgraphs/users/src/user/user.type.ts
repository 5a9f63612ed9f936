import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from '../db';

registerEnumType(Role, {
  name: 'Role',
  valuesConfig: {
    CUSTOMER: { description: 'Shops for themselves.' },
    ADMIN: { description: 'Manages the catalogue and stock.' },
  },
});

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A person with an account in the store.' })
export class User {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Trimmed and lower-cased; unique.' })
  email!: string;

  @Field()
  name!: string;

  @Field(() => Role)
  role!: Role;

  @Field()
  createdAt!: Date;
}
