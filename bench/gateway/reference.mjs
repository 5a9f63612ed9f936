// The reference answer of the gateway benchmark: its query executed by
// graphql-js against one plain, non-federated schema over the same data.
// A gateway's answer must equal it.
import { buildSchema, defaultFieldResolver, execute, parse } from 'graphql';
import * as data from './data.mjs';

const typeDefs = `
  type Query { me: User user(id: ID!): User users: [User] topProducts(first: Int = 5): [Product] }
  type User { id: ID! name: String username: String birthday: Int reviews: [Review] }
  type Product {
    upc: String!
    name: String
    price: Int
    weight: Int
    inStock: Boolean
    shippingEstimate: Int
    reviews: [Review]
  }
  type Review { id: ID! body: String product: Product author: User }`;

const resolvers = {
  Query: {
    me: data.me,
    user: (_, { id }) => data.userById(id),
    users: () => data.users,
    topProducts: (_, { first }) => data.topProducts(first),
  },
  User: { reviews: ({ id }) => data.reviewsByAuthor(id) },
  Product: {
    inStock: ({ upc }) => data.inStock(upc),
    shippingEstimate: data.shippingEstimate,
    reviews: ({ upc }) => data.reviewsOfProduct(upc),
  },
  Review: {
    product: ({ productUpc }) => data.productByUpc(productUpc),
    author: ({ authorId }) => data.userById(authorId),
  },
};

/** The answer as a client would parse it from JSON. */
export async function referenceAnswer(query) {
  const result = await execute({
    schema: buildSchema(typeDefs),
    document: parse(query),
    fieldResolver: (source, args, context, info) =>
      (resolvers[info.parentType.name]?.[info.fieldName] ?? defaultFieldResolver)(
        source,
        args,
        context,
        info,
      ),
  });
  if (result.errors) throw new Error(`The reference schema failed: ${result.errors[0].message}`);
  return JSON.parse(JSON.stringify(result));
}
