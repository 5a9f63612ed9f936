import { Directive, Field, Int, ObjectType, UseMiddleware, type ClassType } from 'type-graphql';
import { InheritCacheHint } from '../cache/cache-hints';

@Directive('@shareable')
@ObjectType({ description: 'Relay cursor pagination state.' })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field()
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<Node> {
  cursor: string;
  node: Node;
}

export interface Connection<Node> {
  edges: Edge<Node>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * Declares `<Name>Edge` and `<Name>Connection` object types for a node type,
 * e.g. `@ObjectType() class ProductConnection extends ConnectionType(Product, 'Product') {}`.
 */
export function ConnectionType<Node extends object>(nodeType: ClassType<Node>, name: string) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor!: string;

    @Field(() => nodeType)
    @UseMiddleware(InheritCacheHint)
    node!: Node;
  }

  // Registered under its own name so the subclass inherits its fields; never
  // referenced by a field, so type-graphql leaves it out of the schema.
  @ObjectType(`${name}ConnectionFields`)
  abstract class ConnectionClass {
    // A page is as cacheable as the field that answered it.
    @Field(() => [EdgeType])
    @UseMiddleware(InheritCacheHint)
    edges!: Edge<Node>[];

    @Field(() => PageInfo)
    @UseMiddleware(InheritCacheHint)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'All items matching, across every page.' })
    totalCount!: number;
  }
  return ConnectionClass;
}
