import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { gql } from 'graphql-tag';
import {
  buildSchema,
  createResolversMap,
  type BuildSchemaOptions,
  type PubSub,
} from 'type-graphql';

/** The Federation version every subgraph links; 2.9 brings @cost and @listSize. */
export const FEDERATION_VERSION = '2.9';

const FEDERATION_IMPORTS = [
  '@key',
  '@shareable',
  '@external',
  '@requires',
  '@provides',
  '@inaccessible',
  '@override',
  '@tag',
  '@authenticated',
  '@requiresScopes',
  '@cost',
  '@listSize',
];

/**
 * type-graphql 2.0.0-rc.4 builds no schema with a @Subscription unless given
 * a pubSub, even when every subscription brings its own `subscribe`. Ours
 * do: they listen on the live pub/sub of their context (BaseContext.pubSub),
 * which belongs to a launched subgraph, while a schema is also built without
 * one (to print it). This one answers that check and refuses any use.
 */
const contextPubSubOnly: PubSub = {
  publish() {
    throw new Error('Publish on the live pub/sub (@shop/events), not through type-graphql');
  },
  subscribe() {
    throw new Error('Give every @Subscription a `subscribe` over its context’s pubSub');
  },
};

/** Resolvers by type and field, as @apollo/subgraph takes them. */
type ResolverMap = Record<string, Record<string, unknown>>;

/**
 * Resolves an entity from its representation: `resolve<Entity>Reference` in
 * `<entity>.reference.ts`, with the subgraph's own context. (Its parameters are
 * checked where it is written; here any reference resolver is accepted.)
 */
export type ReferenceResolver = (reference: never, context: never, info: never) => unknown;

export interface FederatedSchemaOptions {
  resolvers: BuildSchemaOptions['resolvers'];
  orphanedTypes?: BuildSchemaOptions['orphanedTypes'];
  /** The reference resolver of each entity this subgraph resolves, by type name. */
  referenceResolvers?: Record<string, ReferenceResolver>;
}

/**
 * Builds a Federation 2 subgraph schema from type-graphql classes: type-graphql
 * writes the SDL (with the @key and other directives declared by @Directive),
 * @apollo/subgraph adds _service/_entities, and the class resolvers plus the
 * reference resolvers are attached to the result.
 */
export async function buildFederatedSchema(
  options: FederatedSchemaOptions,
): Promise<GraphQLSchema> {
  const typeGraphQLSchema = await buildSchema({
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes,
    // Subgraphs may have no Query of their own, and type-graphql's check would refuse that.
    skipCheck: true,
    validate: false,
    pubSub: contextPubSubOnly,
  });

  const link = `extend schema @link(url: "https://specs.apollo.dev/federation/v${FEDERATION_VERSION}", import: ${JSON.stringify(FEDERATION_IMPORTS)})`;
  const typeDefs = gql(`${link}\n${printSchemaWithDirectives(typeGraphQLSchema)}`);

  const resolvers = createResolversMap(typeGraphQLSchema) as ResolverMap;
  for (const [typeName, resolveReference] of Object.entries(options.referenceResolvers ?? {})) {
    resolvers[typeName] = { ...resolvers[typeName], __resolveReference: resolveReference };
  }
  return buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);
}
