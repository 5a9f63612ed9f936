import { Directive, Field, InputType, Int, ObjectType } from 'type-graphql';

/** An amount in minor units (cents) with its ISO 4217 currency; never a float. */
@Directive('@shareable')
@ObjectType({ description: 'An amount in minor units (e.g. cents) and its ISO 4217 currency.' })
export class Money {
  @Field(() => Int, { description: 'Minor units, e.g. 1999 for 19.99.' })
  amount!: number;

  @Field({ description: 'ISO 4217 code, e.g. USD.' })
  currency!: string;

  static of(amount: number, currency: string): Money {
    return Object.assign(new Money(), { amount, currency });
  }
}

@InputType({ description: 'An amount in minor units and its ISO 4217 currency.' })
export class MoneyInput {
  @Field(() => Int)
  amount!: number;

  @Field()
  currency!: string;
}
