import { Directive, Field, InputType, Int, ObjectType } from 'type-graphql';

/**
 * The most minor units any money total may reach: a cart line, a cart, an
 * order, a payment, a refund. Amounts travel as GraphQL's Int (the clients'
 * contract fixes `amount: Int!`) and are stored in PostgreSQL integer columns,
 * both 32-bit signed. Totals are bounded to them rather than carried in 64
 * bits, which would change the contract's Money for every client and widen
 * every money column, for orders above 21,474,836.47 that this shop never
 * takes. A write whose total would pass it is refused (BAD_USER_INPUT)
 * before anything commits.
 */
export const MAX_MONEY_AMOUNT = 2_147_483_647;

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
