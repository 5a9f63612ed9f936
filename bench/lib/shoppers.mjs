// Shoppers ready to check out, made through the router as a storefront
// would: each a new customer with an address, a card and one cart line of a
// product an ADMIN restocked, so every checkout sent afterwards is a real one.
import { graphql } from './stack-process.mjs';

const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { accessToken } }`;
const PRODUCTS = `query Products($first: Int!) {
  products(first: $first) { edges { node { id price { amount currency } } } } }`;
const WAREHOUSES = `query Warehouses { warehouses { id } }`;
const RESTOCK = `mutation Restock($input: RestockInput!) { restock(input: $input) { productId available } }`;
const REGISTER = `mutation Register($input: RegisterInput!) { register(input: $input) { accessToken } }`;
const ADD_ADDRESS = `mutation AddAddress($input: AddressInput!) { addAddress(input: $input) { id } }`;
const ADD_PAYMENT_METHOD = `mutation AddPaymentMethod($input: AddPaymentMethodInput!) {
  addPaymentMethod(input: $input) { id } }`;
const ADD_TO_CART = `mutation AddToCart($productId: ID!, $quantity: Int!) {
  addToCart(productId: $productId, quantity: $quantity) { id } }`;

/** The card every shopper pays with: the processor's approving test card. */
const APPROVING_CARD = '4242424242424242';
/** Below payments' default PAYMENT_REVIEW_THRESHOLD, so no charge waits for review. */
const MAX_PRICE = 100_000;
/** Names shoppers uniquely across runs and calls. */
const run = `${process.pid}-${Date.now()}`;
let shoppersMade = 0;

/**
 * Up to `productCount` of the cheapest products, restocked as ADMIN for
 * twice `checkouts` units in all: checkouts spread over them, as one hot
 * stock row would measure lock waits rather than checkout.
 */
export async function stockUp(url, { checkouts, productCount = 20 }) {
  const admin = await adminToken(url);
  const products = await cheapProducts(url, productCount);
  const [warehouse] = (await call(url, WAREHOUSES, {}, admin)).warehouses;
  for (const product of products) {
    await call(
      url,
      RESTOCK,
      {
        input: {
          productId: product.id,
          warehouseId: warehouse.id,
          quantity: 2 * Math.ceil(checkouts / products.length),
        },
      },
      admin,
    );
  }
  return products;
}

/** `count` new shoppers, each with one unit of one of `products` (in turn) in the cart. */
export async function prepareShoppers(url, products, { count, concurrency = 8 }) {
  const shoppers = new Array(count);
  await inParallel(count, concurrency, async (index) => {
    const name = `bench-${run}-${shoppersMade++}`;
    shoppers[index] = await newShopper(url, name, products[index % products.length]);
  });
  return shoppers;
}

/** The seeded ADMIN's token, with the same variables and defaults the users subgraph reads. */
async function adminToken(url) {
  const { login } = await call(url, LOGIN, {
    email: process.env.SEED_ADMIN_EMAIL ?? 'admin@shop.local',
    password: process.env.SEED_ADMIN_PASSWORD ?? 'admin-dev-password',
  });
  return login.accessToken;
}

async function cheapProducts(url, productCount) {
  const { products } = await call(url, PRODUCTS, { first: 100 });
  const nodes = products.edges
    .map((edge) => edge.node)
    .filter((node) => node.price.amount <= MAX_PRICE)
    .sort((a, b) => a.price.amount - b.price.amount)
    .slice(0, productCount);
  if (nodes.length === 0) throw new Error(`No product costs at most ${MAX_PRICE} minor units`);
  return nodes;
}

async function newShopper(url, name, product) {
  const { register } = await call(url, REGISTER, {
    input: { email: `${name}@bench.local`, password: 'bench-shopper-password', name },
  });
  const token = register.accessToken;
  const { addAddress } = await call(
    url,
    ADD_ADDRESS,
    { input: { line1: '1 Bench Street', city: 'Loadtown', postalCode: '10001', country: 'US' } },
    token,
  );
  const { addPaymentMethod } = await call(
    url,
    ADD_PAYMENT_METHOD,
    {
      input: {
        cardNumber: APPROVING_CARD,
        expMonth: 12,
        expYear: new Date().getFullYear() + 3,
        cvc: '123',
      },
    },
    token,
  );
  await call(url, ADD_TO_CART, { productId: product.id, quantity: 1 }, token);
  return { name, token, addressId: addAddress.id, paymentMethodId: addPaymentMethod.id };
}

/** Runs task(0 … count-1) with at most `concurrency` at a time; the first failure fails all. */
async function inParallel(count, concurrency, task) {
  let next = 0;
  const lane = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

/** One operation through the router; a GraphQL error stops the setup, naming the operation. */
async function call(url, query, variables, token) {
  const answer = await graphql(
    url,
    query,
    variables,
    token ? { authorization: `Bearer ${token}` } : {},
  );
  if (answer.errors?.length || !answer.data) {
    const operation = /^\w+ (\w+)/.exec(query)?.[1];
    throw new Error(`Setup ${operation} failed: ${JSON.stringify(answer.errors ?? answer)}`);
  }
  return answer.data;
}
