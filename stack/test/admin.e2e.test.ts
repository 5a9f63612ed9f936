import { graphqlRequest, errorCodes, eventually, metricsOf, sampleOf } from '@shop/testing';
import { seedData } from '@shop/seed';
import {
  AllOrdersDocument,
  AllProductsDocument,
  ArchiveProductDocument,
  CheckoutDocument,
  LowStockDocument,
  OrderDocument,
  ProductPageDocument,
  ProductsDocument,
  SearchDocument,
  UpdateProductDocument,
} from '../../clients/generated/operations';
import {
  addToCart,
  checkoutInput,
  newShopper,
  signInAdmin,
  stockedProduct,
  type Headers,
  type Shopper,
} from './support/shop';
import { startTestStack, type RunningStack } from './support/test-stack';

const seeded = seedData.products[0]!;

describe('images, order numbers and the ADMIN operations through the router (#20)', () => {
  let stack: RunningStack;
  let admin: Headers;
  let shopper: Shopper;
  const url = () => stack.router.url;

  beforeAll(async () => {
    stack = await startTestStack();
    admin = await signInAdmin(url());
    shopper = await newShopper(url(), 'Numbered Shopper');
  }, 120_000);
  afterAll(() => stack?.stop());

  it('serves every product’s picture from the router’s own port, drawn on request', async () => {
    const page = await graphqlRequest(url(), ProductPageDocument, { id: seeded.id });
    const [image] = page.data!.product!.images;
    expect(image).toMatchObject({ width: 800, height: 600 });
    expect(image!.url.startsWith('/')).toBe(true);

    const response = await fetch(new URL(image!.url, url()));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    const svg = await response.text();
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain(seeded.name.replace(/&/g, '&amp;').split(' ')[0]);

    const listed = await graphqlRequest(url(), ProductsDocument, { first: 3 });
    for (const edge of listed.data!.products.edges) {
      expect(edge.node.images.length).toBeGreaterThan(0);
    }
  });

  it('numbers a shopper’s orders one after the other, and shows the number to its buyer', async () => {
    const product = await stockedProduct(url(), admin, {
      name: 'Numbered',
      price: 500,
      units: [10],
    });
    const numbers: number[] = [];
    for (let order = 0; order < 2; order += 1) {
      await addToCart(url(), shopper, product.id);
      const checkout = await graphqlRequest(
        url(),
        CheckoutDocument,
        checkoutInput(shopper),
        shopper.headers,
      );
      expect(checkout.errors).toBeUndefined();
      numbers.push(checkout.data!.checkout.number);
    }
    expect(numbers[1]).toBe(numbers[0]! + 1);
    expect(numbers[0]).toBeGreaterThan(1000);
  }, 60_000);

  it('lists and filters every buyer’s orders for an ADMIN, newest first; FORBIDDEN for a customer', async () => {
    const mine = await graphqlRequest(
      url(),
      AllOrdersDocument,
      { first: 10, filter: { buyerId: shopper.userId, status: 'PAID' } },
      admin,
    );
    expect(mine.errors).toBeUndefined();
    const orders = mine.data!.allOrders;
    expect(orders.totalCount).toBe(2);
    expect(orders.edges.map((edge) => edge.node.buyer.id)).toEqual([
      shopper.userId,
      shopper.userId,
    ]);
    const [newest, older] = orders.edges.map((edge) => edge.node);
    expect(newest!.number).toBe(older!.number + 1);
    expect(newest!.buyer.email).toBe(shopper.email);

    const delivered = await graphqlRequest(
      url(),
      AllOrdersDocument,
      { first: 100, filter: { status: 'DELIVERED' } },
      admin,
    );
    expect(delivered.data!.allOrders.totalCount).toBe(seedData.deliveredOrders.length);

    const asCustomer = await graphqlRequest(
      url(),
      AllOrdersDocument,
      { first: 10 },
      shopper.headers,
    );
    expect(errorCodes(asCustomer)).toEqual(['FORBIDDEN']);
    const anonymous = await graphqlRequest(url(), AllOrdersDocument, { first: 10 });
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
  });

  it('lists low stock for an ADMIN', async () => {
    const scarce = await stockedProduct(url(), admin, {
      name: 'Scarce',
      price: 700,
      units: [1, 1],
    });
    const low = await graphqlRequest(url(), LowStockDocument, { first: 100 }, admin);
    expect(low.errors).toBeUndefined();
    expect(low.data!.lowStock.edges.map((edge) => edge.node)).toContainEqual(
      expect.objectContaining({
        productId: scarce.id,
        available: 2,
        product: { id: scarce.id, name: scarce.name },
      }),
    );
    const asCustomer = await graphqlRequest(
      url(),
      LowStockDocument,
      { first: 10 },
      shopper.headers,
    );
    expect(errorCodes(asCustomer)).toEqual(['FORBIDDEN']);
  });

  it("answers an order's product names from orders, with no call to products, and follows a rename", async () => {
    const product = await stockedProduct(url(), admin, { name: 'Named', price: 700, units: [5] });
    await addToCart(url(), shopper, product.id);
    const checkout = await graphqlRequest(
      url(),
      CheckoutDocument,
      checkoutInput(shopper),
      shopper.headers,
    );
    expect(checkout.errors).toBeUndefined();
    const { id } = checkout.data!.checkout;
    expect(checkout.data!.checkout.items.map((item) => item.product)).toEqual([
      { id: product.id, name: product.name },
    ]);
    const callsToProducts = async () =>
      sampleOf(await metricsOf(url()), 'router_subgraph_request_duration_seconds_count', {
        subgraph: 'products',
      });
    const namesOf = async () => {
      const read = await graphqlRequest(url(), OrderDocument, { id }, shopper.headers);
      expect(read.errors).toBeUndefined();
      return read.data!.order!.items.map((item) => item.product.name);
    };
    const before = await callsToProducts();
    expect(await namesOf()).toEqual([product.name]);
    expect(await callsToProducts()).toBe(before);

    const renamed = `Renamed ${product.name}`;
    const edited = await graphqlRequest(
      url(),
      UpdateProductDocument,
      { productId: product.id, input: { name: renamed } },
      admin,
    );
    expect(edited.errors).toBeUndefined();
    // Through orders' copy of products' names (ProductUpdated), as soon as it has arrived.
    await eventually(async () => expect(await namesOf()).toEqual([renamed]));
  }, 60_000);

  it('edits a product into search, then archives it out of search and the listing, still shown to ADMINs', async () => {
    const product = await stockedProduct(url(), admin, {
      name: 'Editable',
      price: 900,
      units: [5],
    });
    const word = `xylophonic${product.id.replace(/[^a-f]/g, '').slice(0, 6)}`;
    const search = async () =>
      (
        await graphqlRequest(url(), SearchDocument, { query: word, first: 10 })
      ).data!.search.edges.map((edge) => edge.node.id);

    const refused = await graphqlRequest(
      url(),
      UpdateProductDocument,
      { productId: product.id, input: { name: `Hijacked ${word}` } },
      shopper.headers,
    );
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);

    const image = {
      url: '/images/placeholder.svg?title=Edited&w=400&h=300',
      alt: 'Edited',
      width: 400,
      height: 300,
    };
    const edited = await graphqlRequest(
      url(),
      UpdateProductDocument,
      { productId: product.id, input: { name: `Edited ${word}`, images: [image] } },
      admin,
    );
    expect(edited.errors).toBeUndefined();
    expect(edited.data!.updateProduct).toMatchObject({ name: `Edited ${word}`, images: [image] });
    await eventually(async () => expect(await search()).toEqual([product.id]), 15_000);
    const page = await graphqlRequest(url(), ProductPageDocument, { id: product.id });
    expect(page.data!.product).toMatchObject({ name: `Edited ${word}`, images: [image] });

    expect(
      errorCodes(await graphqlRequest(url(), ArchiveProductDocument, { productId: product.id })),
    ).toEqual(['UNAUTHENTICATED']);
    const archived = await graphqlRequest(
      url(),
      ArchiveProductDocument,
      { productId: product.id },
      admin,
    );
    expect(archived.errors).toBeUndefined();
    const { archivedAt } = archived.data!.archiveProduct;
    expect(archivedAt).not.toBeNull();

    await eventually(async () => expect(await search()).toEqual([]), 15_000);
    const category = seedData.categories[0]!.id;
    const listing = await graphqlRequest(url(), ProductsDocument, {
      first: 100,
      filter: { categoryId: category },
    });
    expect(listing.data!.products.edges.map((edge) => edge.node.id)).not.toContain(product.id);
    const all = await graphqlRequest(
      url(),
      AllProductsDocument,
      { first: 100, filter: { categoryId: category }, archived: true },
      admin,
    );
    expect(all.data!.allProducts.edges.map((edge) => edge.node)).toContainEqual(
      expect.objectContaining({ id: product.id, archivedAt }),
    );
    const stillReadable = await graphqlRequest(url(), ProductPageDocument, { id: product.id });
    expect(stillReadable.data!.product!.archivedAt).toBe(archivedAt);
  }, 60_000);
});
