import { randomUUID } from 'node:crypto';
import { eventually, graphqlRequest } from '@shop/testing';
import { seedData } from '@shop/seed';
import {
  AddAddressDocument,
  AddPaymentMethodDocument,
  AddToCartDocument,
  CreateProductDocument,
  LoginDocument,
  RegisterDocument,
  RestockDocument,
} from '../../../clients/generated/operations';

/** The test cards, typed as a person would: one the simulated processor approves, one it declines. */
export const APPROVING_CARD = { cardNumber: '4242 4242 4242 4242', cvc: '123' };
export const DECLINING_CARD = { cardNumber: '4000 0000 0000 0002', cvc: '999' };

export type Headers = Record<string, string>;

/** A customer registered through the router, with an address and a card to check out with. */
export interface Shopper {
  userId: string;
  email: string;
  headers: Headers;
  addressId: string;
  paymentMethodId: string;
}

/** What the router's answer must be: its data, or the test fails naming the errors. */
function dataOf<Data>(result: { data?: Data | null; errors?: unknown }, what: string): Data {
  if (result.errors || !result.data) {
    throw new Error(`${what} failed: ${JSON.stringify(result.errors ?? result)}`);
  }
  return result.data;
}

/** Logs in through the router; answers the headers that carry the access token. */
export async function signIn(url: string, email: string, password: string): Promise<Headers> {
  const { login } = dataOf(
    await graphqlRequest(url, LoginDocument, { email, password }),
    `login of ${email}`,
  );
  return { authorization: `Bearer ${login.accessToken}` };
}

/** The seeded ADMIN (SEED_ADMIN_EMAIL / SEED_ADMIN_PASSWORD defaults). */
export function signInAdmin(url: string): Promise<Headers> {
  return signIn(url, 'admin@shop.local', 'admin-dev-password');
}

/**
 * Registers a new customer and logs in, as a storefront would, then adds an
 * address and a card (the approving one unless told), all through the router.
 */
export async function newShopper(
  url: string,
  name: string,
  card: { cardNumber: string; cvc: string } = APPROVING_CARD,
): Promise<Shopper> {
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${randomUUID()}@example.com`;
  const password = 'long-enough-password';
  const { register } = dataOf(
    await graphqlRequest(url, RegisterDocument, { input: { email, password, name } }),
    `register of ${name}`,
  );
  const headers = await signIn(url, email, password);
  const { addAddress } = dataOf(
    await graphqlRequest(
      url,
      AddAddressDocument,
      { input: { line1: '1 Test Street', city: 'Testville', postalCode: '10001', country: 'US' } },
      headers,
    ),
    `address of ${name}`,
  );
  const { addPaymentMethod } = dataOf(
    await graphqlRequest(
      url,
      AddPaymentMethodDocument,
      { input: { ...card, expMonth: 12, expYear: 2031 } },
      headers,
    ),
    `card of ${name}`,
  );
  return {
    userId: register.user.id,
    email,
    headers,
    addressId: addAddress.id,
    paymentMethodId: addPaymentMethod.id,
  };
}

/**
 * Many shoppers, a few registered at a time: the proof is in what they do
 * together later, and a burst of sign-ups would only test the pool size.
 */
export async function newShoppers(url: string, names: string[], atOnce = 4): Promise<Shopper[]> {
  const shoppers: Shopper[] = [];
  for (let start = 0; start < names.length; start += atOnce) {
    const batch = names.slice(start, start + atOnce);
    shoppers.push(...(await Promise.all(batch.map((name) => newShopper(url, name)))));
  }
  return shoppers;
}

/**
 * A product of the test's own, created by the ADMIN and restocked to exactly
 * the given units per warehouse (by seeded warehouse index), so no seeded
 * stock or other test's order touches it.
 */
export async function stockedProduct(
  url: string,
  admin: Headers,
  options: { name: string; price: number; units: number[] },
): Promise<{ id: string; name: string }> {
  const { createProduct } = dataOf(
    await graphqlRequest(
      url,
      CreateProductDocument,
      {
        input: {
          name: `${options.name} ${randomUUID().slice(0, 8)}`,
          description: 'Made for one test.',
          categoryId: seedData.categories[0]!.id,
          price: { amount: options.price, currency: 'USD' },
        },
      },
      admin,
    ),
    'createProduct',
  );
  for (const [index, quantity] of options.units.entries()) {
    await restock(url, admin, createProduct.id, index, quantity);
  }
  return { id: createProduct.id, name: createProduct.name };
}

/** `quantity` more units of the product in the seed's warehouse number `warehouseIndex`, as an ADMIN. */
export async function restock(
  url: string,
  admin: Headers,
  productId: string,
  warehouseIndex: number,
  quantity: number,
): Promise<void> {
  dataOf(
    await graphqlRequest(
      url,
      RestockDocument,
      { input: { productId, warehouseId: seedData.warehouses[warehouseIndex]!.id, quantity } },
      admin,
    ),
    'restock',
  );
}

/**
 * Puts units of a product in the shopper's cart, once orders has learned the
 * product's price (from ProductCreated, through the event bus).
 */
export async function addToCart(url: string, shopper: Shopper, productId: string, quantity = 1) {
  await eventually(async () =>
    dataOf(
      await graphqlRequest(url, AddToCartDocument, { productId, quantity }, shopper.headers),
      'addToCart',
    ),
  );
}

/** The shopper's checkout input with their address and card. */
export function checkoutInput(shopper: Shopper, idempotencyKey: string = randomUUID()) {
  return {
    input: {
      addressId: shopper.addressId,
      paymentMethodId: shopper.paymentMethodId,
      idempotencyKey,
    },
  };
}
