import { Directive, Field, Float, ID, Int, ObjectType, UseMiddleware } from 'type-graphql';
import { InheritCacheHint, Money } from '@shop/federation';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'Something the store sells.' })
export class Product {
  @Field(() => ID)
  id!: string;

  // Shareable: orders provides it on an order's lines, from its copy of products.events.
  @Directive('@shareable')
  @Field()
  name!: string;

  @Field({ description: 'Unique, URL-safe.' })
  slug!: string;

  @Field()
  description!: string;

  @Field(() => Money)
  @UseMiddleware(InheritCacheHint)
  price!: Money;

  @Field(() => Float, {
    nullable: true,
    description: 'Mean rating 1..5, null before the first review.',
  })
  averageRating!: number | null;

  @Field(() => Int)
  reviewCount!: number;

  @Field()
  createdAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description:
      'When an ADMIN archived it: no longer listed or searchable, still readable by id. Null while on sale.',
  })
  archivedAt!: Date | null;

  categoryId!: string;
}
