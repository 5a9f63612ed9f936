import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { liveTopics } from '@shop/events';
import { graphqlRequest } from '@shop/testing';
import { AdvanceOrderDocument, CheckoutDocument } from '../../clients/generated/operations';
import { untilListening } from './support/live';
import { artifactsDir, startBrowserStack } from './support/browser-stack';
import {
  addToCart,
  checkoutInput,
  newShopper,
  signInAdmin,
  stockedProduct,
  type Shopper,
} from './support/shop';
import type { RunningStack } from './support/test-stack';

const ARTIFACTS = artifactsDir('notifications-ui');
/** Two busy cores: a step waits on its condition for up to this long. */
const BROWSER_STEP_MS = 30_000;

/**
 * The storefront's unread count and feed, live, and the console's delivery
 * log, in headless chromium against the whole stack.
 */
describe('notifications in the storefront and the admin console', () => {
  let stack: RunningStack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const origin = () => new URL(stack.router.url).origin;
  const url = () => stack.router.url;

  async function openPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(BROWSER_STEP_MS);
    return page;
  }
  const signInAt = async (page: Page, where: string, email: string, password: string) => {
    await page.goto(`${origin()}${where}`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  beforeAll(async () => {
    ({ stack, browser } = await startBrowserStack(ARTIFACTS));
  }, 120_000);
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await stack?.stop();
  });

  it('shows the unread count and the feed as notifications arrive, and ADMINs the delivery log', async () => {
    const admin = await signInAdmin(url());
    const product = await stockedProduct(url(), admin, {
      name: 'Browser Mug',
      price: 1_200,
      units: [20],
    });
    const shopper: Shopper = await newShopper(url(), 'Browser Notified');
    const page = await openPage();
    await signInAt(page, '/login', shopper.email, 'long-enough-password');
    await page.getByRole('link', { name: 'Notifications', exact: true }).waitFor();
    await untilListening(stack, liveTopics.notificationReceived(shopper.userId));

    // Bought elsewhere (another tab, the phone): the count arrives live.
    await addToCart(url(), shopper, product.id);
    const placed = await graphqlRequest(
      url(),
      CheckoutDocument,
      checkoutInput(shopper),
      shopper.headers,
    );
    expect(placed.errors).toBeUndefined();
    const order = placed.data!.checkout;
    await page.getByLabel('1 unread').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, '01-unread.png') });

    await page.getByRole('link', { name: /^Notifications/ }).click();
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();
    await page.getByText(`Order #${order.number} is confirmed`).waitFor();

    // Shipped while the feed is open: it appears without a reload.
    const shipped = await graphqlRequest(
      url(),
      AdvanceOrderDocument,
      { id: order.id, to: 'SHIPPED' },
      admin,
    );
    expect(shipped.errors).toBeUndefined();
    await page.getByText(`Order #${order.number} has shipped`).waitFor();
    await page.getByLabel('2 unread').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, '02-feed.png'), fullPage: true });

    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.getByText('0 unread of 2.').waitFor();
    expect(await page.getByLabel(/unread$/).count()).toBe(0);

    const consolePage = await openPage();
    await signInAt(consolePage, '/admin', 'admin@shop.local', 'admin-dev-password');
    await consolePage.getByRole('link', { name: 'Deliveries' }).click();
    await consolePage.getByRole('heading', { name: /^Notification deliveries \(\d+\)$/ }).waitFor();
    await consolePage
      .getByTestId('delivery')
      .filter({ hasText: `Shop: Order #${order.number} has shipped` })
      .filter({ hasText: 'EMAIL' })
      .filter({ hasText: 'SENT' })
      .waitFor();
    await consolePage.screenshot({
      path: path.join(ARTIFACTS, '03-delivery-log.png'),
      fullPage: true,
    });
  }, 180_000);
});
