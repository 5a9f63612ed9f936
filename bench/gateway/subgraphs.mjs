// The four Federation 2 subgraphs of the gateway benchmark (accounts,
// inventory, products, reviews) in the shape of the public benchmark's
// schemas: reviews provides Review.author's username, inventory requires a
// product's price and weight for its shipping estimate.
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import * as data from './data.mjs';

const link = (...directives) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${directives
    .map((directive) => `"@${directive}"`)
    .join(', ')}])`;

const subgraphs = {
  accounts: {
    typeDefs: `${link('key', 'shareable')}
      type Query { me: User user(id: ID!): User users: [User] }
      type User @key(fields: "id") {
        id: ID!
        name: String
        username: String @shareable
        birthday: Int
      }`,
    resolvers: {
      Query: { me: data.me, user: (_, { id }) => data.userById(id), users: () => data.users },
      User: { __resolveReference: ({ id }) => data.userById(id) },
    },
  },
  inventory: {
    typeDefs: `${link('key', 'external', 'requires')}
      type Product @key(fields: "upc") {
        upc: String!
        weight: Int @external
        price: Int @external
        inStock: Boolean
        shippingEstimate: Int @requires(fields: "price weight")
      }`,
    resolvers: {
      Product: {
        __resolveReference: (product) => product,
        inStock: ({ upc }) => data.inStock(upc),
        shippingEstimate: data.shippingEstimate,
      },
    },
  },
  products: {
    typeDefs: `${link('key')}
      type Query { topProducts(first: Int = 5): [Product] }
      type Product @key(fields: "upc") { upc: String! name: String price: Int weight: Int }`,
    resolvers: {
      Query: { topProducts: (_, { first }) => data.topProducts(first) },
      Product: { __resolveReference: ({ upc }) => data.productByUpc(upc) },
    },
  },
  reviews: {
    typeDefs: `${link('key', 'external', 'provides')}
      type Review @key(fields: "id") {
        id: ID!
        body: String
        product: Product
        author: User @provides(fields: "username")
      }
      type User @key(fields: "id") { id: ID! username: String @external reviews: [Review] }
      type Product @key(fields: "upc") { upc: String! reviews: [Review] }`,
    resolvers: {
      Review: {
        __resolveReference: ({ id }) => data.reviewById(id),
        product: ({ productUpc }) => ({ upc: productUpc }),
        // The username is this subgraph's own copy, hence @provides.
        author: ({ authorId }) => ({ id: authorId, username: data.userById(authorId).username }),
      },
      User: { reviews: ({ id }) => data.reviewsByAuthor(id) },
      Product: { reviews: ({ upc }) => data.reviewsOfProduct(upc) },
    },
  },
};

export const SUBGRAPH_NAMES = Object.keys(subgraphs);

/** Each subgraph's executable schema, by name. */
export function subgraphSchemas() {
  return Object.fromEntries(
    Object.entries(subgraphs).map(([name, { typeDefs, resolvers }]) => [
      name,
      buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers }),
    ]),
  );
}

/** The supergraph SDL of the four subgraphs served at `${baseUrl}/<name>`. */
export function composeSupergraph(baseUrl) {
  const composed = composeServices(
    Object.entries(subgraphs).map(([name, { typeDefs }]) => ({
      name,
      url: `${baseUrl}/${name}`,
      typeDefs: parse(typeDefs),
    })),
  );
  if (composed.errors) {
    throw new Error(`Composition failed: ${composed.errors.map(String).join('\n')}`);
  }
  return composed.supergraphSdl;
}
