import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { liveTopics } from '@shop/events';
import { eventually, graphqlRequest } from '@shop/testing';
import { seedData } from '@shop/seed';
import { CheckoutDocument, OrderDocument } from '../../clients/generated/operations';
import {
  addToCart,
  checkoutInput,
  newShopper,
  signInAdmin,
  stockedProduct,
  type Headers,
} from './support/shop';
import { untilListening } from './support/live';
import { artifactsDir, startBrowserStack } from './support/browser-stack';
import type { RunningStack } from './support/test-stack';

/** Screenshots of every step, kept after the run (gitignored). */
const ARTIFACTS = artifactsDir('shop-ui');
/** Two busy cores: a step waits on its condition for up to this long. */
const BROWSER_STEP_MS = 30_000;
const JOURNEY_MS = 300_000;

const searched = seedData.products.find((candidate) => candidate.slug === 'nimbus-13-cloudbook')!;
const repriced = seedData.products.find((candidate) => candidate.slug === 'scholar-15-laptop')!;

/** A phone and a laptop screen. */
const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
];

/** Elements reaching past the window's right edge, named, so a failure says what overflows. */
const OVERFLOWING = `[...document.querySelectorAll('body *')]
  .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(0, 5)
  .map((element) => element.tagName.toLowerCase() + (element.className ? '.' + element.className : ''))`;

/** Nothing on the page is wider than the window: no sideways scrolling. */
async function expectNoOverflow(page: Page): Promise<void> {
  // Runs in the page; its globals are not this (node) program's.
  const widths = await page.evaluate<{ scrollWidth: number; innerWidth: number }>(
    '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
  );
  if (widths.scrollWidth > widths.innerWidth) {
    const overflowing = await page.evaluate<string[]>(OVERFLOWING);
    expect({ ...widths, overflowing }).toEqual({ ...widths, overflowing: [] });
  }
}

/** The image has arrived and decoded (the router drew it). */
async function expectLoaded(image: Locator): Promise<void> {
  await image.waitFor();
  await eventually(async () =>
    expect(
      await image.evaluate((element) => (element as { naturalWidth: number }).naturalWidth),
    ).toBeGreaterThan(0),
  );
}

/** Searches from the top bar and waits for that search's results. */
async function searchFor(page: Page, text: string): Promise<void> {
  await page.getByLabel('Search products').fill(text);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('heading', { name: new RegExp(`results? for “${text}”`) }).waitFor();
}

/** How many results the heading announces. */
async function resultCount(page: Page): Promise<number> {
  const heading = await page.getByRole('heading', { name: / results? for / }).textContent();
  return Number(heading!.split(' ')[0]);
}

/** Waits until the heading announces exactly this many results for the text. */
function untilResults(page: Page, count: number, text: string): Promise<void> {
  return page
    .getByRole('heading', { name: new RegExp(`^${count} results? for “${text}”`) })
    .waitFor();
}

/** The "(n)" a facet option's label gives as its count. */
async function optionCount(option: Locator): Promise<number> {
  return Number((await option.locator('.facet-count').textContent())!.replace(/\D/g, ''));
}

/** The prices of the products on screen, in cents. */
async function shownPrices(page: Page): Promise<number[]> {
  const prices = await page.locator('.product-list .price').allTextContents();
  return prices.map((price) => Math.round(Number(price.replace(/[^\d.]/g, '')) * 100));
}

describe.each(VIEWPORTS)('the storefront and the admin console at $width px', (viewport) => {
  let stack: RunningStack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const origin = () => new URL(stack.router.url).origin;
  const url = () => stack.router.url;

  /** A browser window of its own (its own storage, so its own session). */
  async function openPage(): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'en-US' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(BROWSER_STEP_MS);
    return page;
  }
  /** A screenshot of the step, then the overflow check every page visited gets. */
  async function step(page: Page, name: string): Promise<void> {
    await page.screenshot({
      path: path.join(ARTIFACTS, `${viewport.width}-${name}.png`),
      fullPage: true,
    });
    await expectNoOverflow(page);
  }

  /** What the shopper journey leaves for the admin one: an open page on a PAID order. */
  let shopperPage: Page;
  let paidOrderId: string;

  beforeAll(async () => {
    ({ stack, browser } = await startBrowserStack(ARTIFACTS));
  }, 120_000);
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await stack?.stop();
  });

  it(
    'a shopper signs up, browses with images, searches with facets, checks out with a saved card, and cancels an order',
    async () => {
      const page = (shopperPage = await openPage());
      await page.goto(`${origin()}/`);
      await page.getByRole('heading', { name: /All products/ }).waitFor();
      await expectLoaded(page.locator('.product-list img').first());
      await step(page, '01-catalog');

      await page.getByRole('link', { name: 'Sign up' }).click();
      await page.getByLabel('Name').fill('Ui Shopper');
      await page.getByLabel('Email').fill(`ui-${randomUUID()}@example.com`);
      await page.getByLabel(/^Password/).fill('long-enough-password');
      await step(page, '02-sign-up');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('link', { name: 'Ui Shopper' }).click();

      // The account: an address and a card, saved once, chosen at every checkout.
      await page.getByRole('heading', { name: 'Saved cards' }).waitFor();
      await page.getByText('Add an address').click();
      await page.getByLabel('Street').fill('1 Browser Lane');
      await page.getByLabel('City').fill('Testville');
      await page.getByLabel('Postal code').fill('10001');
      await page.getByRole('button', { name: 'Save address' }).click();
      await page.getByText(/1 Browser Lane, 10001 Testville, US/).waitFor();
      await page.getByText('Add a card').click();
      await page.getByLabel('Card number').fill('4242 4242 4242 4242');
      await page.getByLabel('Expiry (MM/YY)').fill('12/31');
      await page.getByLabel('CVC').fill('123');
      await page.getByRole('button', { name: 'Save card' }).click();
      await page.getByText(/•••• 4242, expires 12\/2031/).waitFor();
      await page.getByText('No orders yet.').waitFor();
      await step(page, '03-account');

      // Facets: single-choice groups are radios, and every choice is in the address.
      await searchFor(page, 'camp');
      const facets = page.getByRole('complementary', { name: 'Facets' });
      const everything = await resultCount(page);
      const price = facets.getByRole('group', { name: 'Price' });
      const range = price.locator('label').filter({ hasText: /^\$50\.00 – \$100\.00/ });
      const rangeCount = await optionCount(range);
      await range.getByRole('radio').check();
      await page.waitForURL(/[?&]min=5000&max=10000(&|$)/);
      await untilResults(page, rangeCount, 'camp');
      expect(rangeCount).toBeLessThan(everything);
      for (const amount of await shownPrices(page)) {
        expect(amount).toBeGreaterThanOrEqual(5000);
        expect(amount).toBeLessThanOrEqual(10000);
      }
      await step(page, '04-search-price');
      await facets.getByRole('button', { name: 'Remove $50.00 – $100.00' }).click();
      await page.waitForURL((address) => !address.searchParams.has('min'));
      await untilResults(page, everything, 'camp');
      await price.getByRole('radio', { name: 'Any price', checked: true }).waitFor();

      const availability = facets.getByRole('group', { name: 'Availability' });
      const inStock = availability.locator('label').filter({ hasText: /^In stock/ });
      const inStockCount = await optionCount(inStock);
      await inStock.getByRole('radio').check();
      await page.waitForURL(/[?&]inStock=true(&|$)/);
      await untilResults(page, inStockCount, 'camp');
      // The seeded Stainless Camp Bottle is sold out.
      expect(inStockCount).toBeLessThan(everything);
      expect(await page.locator('.product-list .stock').allTextContents()).toEqual(
        Array(inStockCount).fill('In stock'),
      );
      await step(page, '04-search-in-stock');

      await facets.getByRole('button', { name: 'Clear filters' }).click();
      await page.waitForURL((address) => [...address.searchParams.keys()].join() === 'q');
      await untilResults(page, everything, 'camp');
      await availability.getByRole('radio', { name: 'Any availability', checked: true }).waitFor();
      expect(await facets.getByRole('button', { name: 'Clear filters' }).count()).toBe(0);

      await searchFor(page, 'laptop');
      await facets.getByRole('checkbox', { name: /Laptops/ }).check();
      await page.waitForURL(/[?&]category=/);
      await facets.getByRole('checkbox', { name: /Laptops/, checked: true }).waitFor();
      await expectLoaded(page.locator('.product-list img').first());
      await step(page, '04-search');

      await page.getByRole('link', { name: searched.name }).click();
      await page.getByRole('heading', { name: searched.name }).waitFor();
      await expectLoaded(page.locator('.gallery img').first());
      await page
        .getByTestId('stock')
        .filter({ hasText: /\d+ in stock/ })
        .waitFor();
      await step(page, '05-product');

      /** Adds the product on screen to the cart and checks out with the saved address and card. */
      const buy = async (screenshots: boolean) => {
        await page.getByRole('button', { name: 'Add to cart' }).click();
        await page.getByRole('status').getByRole('link', { name: 'View cart' }).click();
        await page.getByRole('heading', { name: 'Your cart' }).waitFor();
        if (screenshots) await step(page, '06-cart');
        await page.getByRole('link', { name: 'Checkout' }).click();
        await page.getByRole('radio', { name: /1 Browser Lane/, checked: true }).waitFor();
        await page.getByRole('radio', { name: /•••• 4242/, checked: true }).waitFor();
        if (screenshots) await step(page, '07-checkout');
        await page.getByRole('button', { name: 'Place order' }).click();
        await page.waitForURL(/\/orders\/[^/]+$/);
        await page.getByRole('heading', { name: /^Order #\d+$/ }).waitFor();
        await page.getByTestId('order-status').filter({ hasText: 'PAID' }).waitFor();
        return decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
      };
      paidOrderId = await buy(true);
      await step(page, '08-order-paid');

      // A second order, cancelled while PAID: refunded in full.
      await page.goto(`${origin()}/products/${encodeURIComponent(searched.id)}`);
      await page.getByRole('heading', { name: searched.name }).waitFor();
      await buy(false);
      await page.getByRole('button', { name: 'Cancel order' }).click();
      await page.getByTestId('order-status').filter({ hasText: 'CANCELLED' }).waitFor();
      await page
        .getByTestId('refund')
        .filter({ hasText: /^Refunded \$[\d,]+\.\d\d on / })
        .waitFor();
      await page.getByTestId('payment-status').filter({ hasText: 'refunded' }).waitFor();
      expect(await page.getByRole('button', { name: 'Cancel order' }).count()).toBe(0);
      await step(page, '09-order-cancelled-refunded');

      await page.getByRole('link', { name: 'Ui Shopper' }).click();
      await page.locator('.order-history li').nth(1).waitFor();
      // Newest first: the cancelled order above the paid one.
      await expect(page.locator('.order-history li').first().textContent()).resolves.toContain(
        'CANCELLED',
      );
      await step(page, '10-order-history');

      // Back on the paid order, which the ADMIN ships next.
      await page.goto(`${origin()}/orders/${encodeURIComponent(paidOrderId)}`);
      await page.getByTestId('order-status').filter({ hasText: 'PAID' }).waitFor();
    },
    JOURNEY_MS,
  );

  it(
    'a customer is FORBIDDEN from the console; an ADMIN reprices, restocks, ships, approves a held payment and hears of low stock live',
    async () => {
      const customer = await openPage();
      await customer.goto(`${origin()}/admin`);
      await customer.getByLabel('Email').fill('ada@shop.local');
      await customer.getByLabel('Password').fill('customer-dev-password');
      await customer.getByRole('button', { name: 'Sign in' }).click();
      await customer.getByRole('alert').filter({ hasText: 'FORBIDDEN' }).waitFor();
      await step(customer, '20-admin-forbidden');

      const admin = await openPage();
      await admin.goto(`${origin()}/admin`);
      await admin.getByLabel('Email').fill('admin@shop.local');
      await admin.getByLabel('Password').fill('admin-dev-password');
      await admin.getByRole('button', { name: 'Sign in' }).click();
      await admin.getByRole('heading', { name: /^Catalog \(\d+\)$/ }).waitFor();
      await admin.getByText('listening for low-stock alerts').waitFor();
      await step(admin, '21-admin-catalog');

      // A new price, seen on the storefront.
      await admin.getByRole('link', { name: repriced.name }).click();
      await admin.getByRole('heading', { name: repriced.name }).waitFor();
      const newPrice = `${viewport.width}.99`;
      const shown = `$${Number(newPrice).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
      await admin.getByLabel(/^New price/).fill(newPrice);
      await admin.getByRole('button', { name: 'Update price' }).click();
      await admin.getByTestId('current-price').filter({ hasText: shown }).waitFor();
      await step(admin, '22-admin-product-repriced');
      await admin.getByRole('link', { name: 'View in the storefront' }).click();
      await admin.locator('.product .price').filter({ hasText: shown }).waitFor();
      await step(admin, '23-storefront-new-price');

      // A restock in one warehouse: 6 units, one above the default threshold of 5.
      const adminHeaders: Headers = await signInAdmin(url());
      const restocked = await stockedProduct(url(), adminHeaders, {
        name: 'Ui Kettle',
        price: 2_500,
        units: [],
      });
      await admin.goto(`${origin()}/admin/products/${encodeURIComponent(restocked.id)}`);
      await admin.getByTestId('available').filter({ hasText: /^0$/ }).waitFor();
      const warehouse = seedData.warehouses[0]!;
      await admin.getByLabel(`Quantity to add at ${warehouse.name}`).fill('6');
      await admin
        .getByRole('row', { name: new RegExp(warehouse.name) })
        .getByRole('button', { name: 'Restock' })
        .click();
      await admin.getByTestId('available').filter({ hasText: /^6$/ }).waitFor();
      await step(admin, '24-admin-restocked');

      // A shopper's checkout takes one unit, leaving 5: the console hears it live.
      await untilListening(stack, liveTopics.lowStockAlert());
      const buyer = await newShopper(url(), 'Kettle Buyer');
      await addToCart(url(), buyer, restocked.id, 1);
      const kettleOrder = await graphqlRequest(
        url(),
        CheckoutDocument,
        checkoutInput(buyer),
        buyer.headers,
      );
      expect(kettleOrder.errors).toBeUndefined();
      await admin
        .getByTestId('low-stock-alert')
        .filter({ hasText: `${restocked.name} — 5 left (threshold 5)` })
        .waitFor();
      await step(admin, '25-admin-low-stock-alert');

      // Edited, then archived: off the shelves, still in the console's catalog.
      await admin.getByLabel('Description').fill('A kettle edited in the console.');
      await admin.getByRole('button', { name: 'Add image' }).click();
      await admin.getByRole('button', { name: 'Save details' }).click();
      await admin.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      await admin.getByRole('button', { name: 'Archive' }).click();
      await admin.getByTestId('archived').waitFor();
      await step(admin, '26-admin-edited-archived');

      // Fulfilment: the ADMIN ships the shopper's order; the shopper's open page follows live.
      await untilListening(stack, liveTopics.orderStatusChanged(paidOrderId));
      const { data: paid } = await graphqlRequest(
        url(),
        OrderDocument,
        { id: paidOrderId },
        adminHeaders,
      );
      const orderNumber = `#${paid!.order!.number}`;
      await admin.getByRole('link', { name: 'Orders' }).click();
      await admin.getByLabel('Status').selectOption('PAID');
      const row = admin.getByTestId('order-row').filter({ hasText: orderNumber });
      await row.getByRole('button', { name: 'Mark shipped' }).click();
      await row.filter({ hasText: 'SHIPPED' }).waitFor();
      await step(admin, '27-admin-orders-shipped');
      await shopperPage.getByTestId('order-status').filter({ hasText: 'SHIPPED' }).waitFor();
      await shopperPage
        .getByRole('listitem')
        .filter({ hasText: /^SHIPPED at / })
        .waitFor();
      await step(shopperPage, '11-order-shipped-live');

      // A payment above the review threshold ($5,000) waits for the ADMIN.
      const amount = 600_000 + viewport.width;
      const pricey = await stockedProduct(url(), adminHeaders, {
        name: 'Ui Piano',
        price: amount,
        units: [20],
      });
      const pianoBuyer = await newShopper(url(), 'Piano Buyer');
      await addToCart(url(), pianoBuyer, pricey.id, 1);
      const held = await graphqlRequest(
        url(),
        CheckoutDocument,
        checkoutInput(pianoBuyer),
        pianoBuyer.headers,
      );
      expect(held.data?.checkout.status).toBe('PENDING');
      await admin.getByRole('link', { name: 'Payment review' }).click();
      const heldPayment = admin.getByTestId('held-payment').filter({
        hasText: `$${(amount / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`,
      });
      await step(admin, '28-admin-payment-review');
      await heldPayment.getByRole('button', { name: 'Approve' }).click();
      await heldPayment.waitFor({ state: 'detached' });
      await eventually(async () => {
        const { data } = await graphqlRequest(
          url(),
          OrderDocument,
          { id: held.data!.checkout.id },
          pianoBuyer.headers,
        );
        // Captured now; the order turns PAID when the checkout saga next looks at it.
        expect(data?.order?.payment?.status).toBe('SUCCEEDED');
      });
      await step(admin, '29-admin-payment-approved');
    },
    JOURNEY_MS,
  );
});
