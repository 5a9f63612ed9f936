import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A new CUSTOMER account.' })
export class RegisterInput {
  @Field({ description: 'Stored trimmed and lower-cased; unique (CONFLICT otherwise).' })
  email!: string;

  @Field({ description: '8..128 characters.' })
  password!: string;

  @Field({ description: '1..100 characters, trimmed.' })
  name!: string;
}
